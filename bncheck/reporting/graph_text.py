"""Text rendering for `bncheck graph` and `bncheck trace`."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bncheck.findings import Finding, Severity
from bncheck.graph.model import GraphAnalysis

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _findings(console: Console, findings: Iterable[Finding]) -> None:
    for finding in findings:
        line = Text()
        line.append(f"{finding.location}: ", style="bold")
        line.append(f"{finding.code} ", style=_STYLE[finding.severity])
        line.append(finding.message)
        console.print(line)
        if finding.fix:
            console.print(Text(f"    fix: {finding.fix}", style="dim"))


def render_graph(console: Console, path: str, analysis: GraphAnalysis, findings: list[Finding]) -> None:
    """BN layers and train ops of an exported graph, then the findings."""
    console.print(
        Text(f"{path}: {len(analysis.layers)} BN layers, {len(analysis.train_ops)} train ops", style="bold")
    )
    if analysis.layers:
        run = frozenset().union(*analysis.updates_run_by.values()) if analysis.updates_run_by else frozenset()
        table = Table(show_edge=False, header_style="bold")
        for column in ("BN layer", "api", "training", "update ops", "run by a train op"):
            table.add_column(column)
        for layer in analysis.layers:
            reached = len(set(layer.update_ops) & run)
            table.add_row(
                layer.name,
                layer.api,
                layer.mode,
                str(len(layer.update_ops)),
                f"{reached}/{len(layer.update_ops)}",
            )
        console.print(table)
    for train_op in analysis.train_ops:
        console.print(f"train op: {train_op.name}")
    _findings(console, findings)
    console.print(_summary(findings))


def _summary(findings: list[Finding]) -> str:
    if not findings:
        return "no findings"
    return f"{len(findings)} finding" + ("s" if len(findings) != 1 else "")


def render_trace(console: Console, report, findings: list[Finding]) -> None:
    """Training steps, per-train-op and per-layer update counts of a traced run, then the findings."""
    header = f"bncheck trace: {report.steps} training steps"
    if report.stopped_by_max_steps:
        header += f" (stopped after --max-steps {report.steps})"
    if report.outcome:
        header += f"; script {report.outcome}"
    console.print(Text(header, style="bold"))
    for train_op in report.train_ops:
        where = f" created at {train_op.created_at}" if train_op.created_at else ""
        console.print(f"train op {train_op.name}{where}: {train_op.steps} steps")
    if report.layers:
        table = Table(show_edge=False, header_style="bold")
        for column in ("BN layer", "api", "steps with updates", "update runs", "created at"):
            table.add_column(column)
        for layer in report.layers:
            table.add_row(
                layer.name,
                layer.api,
                f"{layer.steps_with_updates}/{report.steps}",
                str(layer.update_runs),
                str(layer.created_at) if layer.created_at else "?",
            )
        console.print(table)
    _findings(console, findings)
    console.print(_summary(findings))
