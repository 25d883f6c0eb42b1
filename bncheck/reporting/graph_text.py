"""Text rendering for `bncheck graph` and `bncheck trace`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bncheck.findings import Finding
from bncheck.graph.model import GraphAnalysis, SourceLine
from bncheck.reporting.escape import printable
from bncheck.reporting.text import findings_summary, render_findings
from bncheck.wording import plural


def render_graph(
    console: Console, path: str, analysis: GraphAnalysis, findings: list[Finding], quiet: bool = False
) -> None:
    """BN layers and train ops of an exported graph, then the findings (``quiet``: the findings only)."""
    if quiet:
        render_findings(console, findings)
        return
    console.print(
        Text(
            f"{printable(path)}: {plural(len(analysis.layers), 'BN layer')}, "
            f"{plural(len(analysis.train_ops), 'train op')}",
            style="bold",
        ),
        soft_wrap=not console.is_terminal,
    )
    if analysis.layers:
        run = frozenset().union(*analysis.updates_run_by.values()) if analysis.updates_run_by else frozenset()
        table = Table(show_edge=False, header_style="bold")
        for column in ("BN layer", "api", "training", "update ops", "run by a train op"):
            table.add_column(column, overflow="fold")
        for layer in analysis.layers:
            reached = len(set(layer.update_ops) & run)
            table.add_row(
                Text(printable(layer.name)),
                layer.api,
                layer.mode,
                str(len(layer.update_ops)),
                f"{reached}/{len(layer.update_ops)}",
            )
        console.print(table)
    for train_op in analysis.train_ops:
        console.print(Text(f"train op: {printable(train_op.name)}"), soft_wrap=not console.is_terminal)
    render_findings(console, findings)
    console.print(findings_summary(findings))


def _site(site: SourceLine | None) -> str:
    """``file:line`` as the script's traceback names it, escaped."""
    return "?" if site is None else printable(f"{site.path}:{site.line}")


def render_trace(
    console: Console, report, findings: list[Finding], quiet: bool = False  # noqa: ANN001 - TraceReport
) -> None:
    """Training steps, per-train-op and per-layer update counts of a traced run, then the findings."""
    if quiet:
        render_findings(console, findings)
        return
    wrap = not console.is_terminal
    header = f"bncheck trace: {plural(report.steps, 'training step')}"
    if report.stopped_by_max_steps:
        header += f" (stopped after --max-steps {report.steps})"
    if report.outcome:
        header += f"; script {printable(report.outcome)}"
    console.print(Text(header, style="bold"), soft_wrap=wrap)
    for train_op in report.train_ops:
        where = f" created at {_site(train_op.created_at)}" if train_op.created_at else ""
        console.print(
            Text(f"train op {printable(train_op.name)}{where}: {plural(train_op.steps, 'step')}"),
            soft_wrap=wrap,
        )
    if report.layers:
        _layer_counts(console, report)
    render_findings(console, findings)
    console.print(findings_summary(findings))


_TRACE_COLUMNS = ("BN layer", "api", "steps with updates", "update runs", "created at")


def _layer_counts(console: Console, report) -> None:  # noqa: ANN001 - TraceReport
    """The per-layer table when it fits the width; else one block per layer, so no cell is cut."""
    rows = [
        (
            printable(layer.name),
            layer.api,
            f"{layer.steps_with_updates}/{report.steps}",
            str(layer.update_runs),
            _site(layer.created_at),
        )
        for layer in report.layers
    ]
    widths = [
        max(len(header), *(len(row[index]) for row in rows)) for index, header in enumerate(_TRACE_COLUMNS)
    ]
    if sum(widths) + 3 * len(widths) <= console.width:
        table = Table(show_edge=False, header_style="bold")
        for header in _TRACE_COLUMNS:
            table.add_column(header, no_wrap=True)
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        console.print(table)
        return
    for name, api, steps, runs, site in rows:
        console.print(Text(name, style="bold"), soft_wrap=True)
        console.print(Text(f"    {api}; steps with updates {steps}; update runs {runs}"), soft_wrap=True)
        console.print(Text(f"    created at {site}"), soft_wrap=True)
