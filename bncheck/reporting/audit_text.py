"""Rich text for ``bncheck audit``: a summary line, a per-layer table, the findings with fixes."""

from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bncheck.audit.model import ROLE_MEAN, ROLE_VARIANCE, AuditReport, BnLayer, CheckpointAudit, TensorStats
from bncheck.findings import Finding, Severity, count_by_severity

_STATUS_STYLE = {"updated": "green", "initial": "yellow", "missing": "red", "invalid": "bold red"}
_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _number(value: float) -> str:
    if math.isnan(value):
        return "nan"
    return f"{value:.4g}"


def _range(stats: TensorStats | None) -> str:
    if stats is None:
        return "-"
    text = f"{_number(stats.minimum)} .. {_number(stats.maximum)}"
    bad = []
    if stats.nan_count:
        bad.append(f"{stats.nan_count} NaN")
    if stats.inf_count:
        bad.append(f"{stats.inf_count} Inf")
    return f"{text} ({', '.join(bad)})" if bad else text


def summary_line(report: AuditReport) -> str:
    """``2 checkpoints, 53 BN layers (latest step 1000): 1 error, 0 warnings, 0 info``."""
    counts = count_by_severity(list(report.findings))
    latest = report.checkpoints[-1].info if report.checkpoints else None
    step = f", step {latest.step}" if latest is not None and latest.step is not None else ""
    where = f"{latest.path} ({latest.kind}{step})" if latest is not None else "nothing"
    if len(report.checkpoints) > 1:
        where = f"{len(report.checkpoints)} checkpoints, latest {where}"
    parts = ", ".join(f"{count} {label}" for label, count in counts.items())
    return f"{where}: {len(report.layers)} BN layer(s); findings: {parts}"


def layer_table(checkpoint: CheckpointAudit) -> Table:
    table = Table(show_edge=False, header_style="bold", title=None)
    for column, justify in (
        ("layer", "left"),
        ("channels", "right"),
        ("moving_mean", "left"),
        ("moving_variance", "left"),
        ("status", "left"),
    ):
        table.add_column(column, justify=justify)
    for layer in checkpoint.layers:
        table.add_row(*_layer_row(layer))
    return table


def _layer_row(layer: BnLayer) -> tuple:
    # Text cells, never str: a str cell is parsed as rich markup, and a name read from a
    # user's file (``[blink red]bn``, ``run[/a]``) would restyle the table or crash the render
    status = Text(layer.status, style=_STATUS_STYLE.get(layer.status, ""))
    return (
        Text(layer.name),
        Text(str(layer.channels)),
        Text(_range(layer.get(ROLE_MEAN))),
        Text(_range(layer.get(ROLE_VARIANCE))),
        status,
    )


def _finding_text(finding: Finding) -> Text:
    text = Text()
    text.append(f"{finding.code} {finding.severity.label}", style=_SEVERITY_STYLE[finding.severity])
    text.append(f" {finding.location.path}: {finding.message}\n")
    if finding.fix:
        text.append("    fix: ", style="bold")
        text.append(finding.fix)
    return text


def render(report: AuditReport, console: Console, verbose: bool = False) -> None:
    """Print the audit; with ``verbose``, the layer table of every checkpoint, not only the latest."""
    shown = report.checkpoints if verbose else report.checkpoints[-1:]
    for checkpoint in shown:
        info = checkpoint.info
        if verbose or len(report.checkpoints) > 1:
            step = "none saved" if info.step is None else str(info.step)
            console.print(
                f"{info.path}  [{info.kind}, step {step}, {info.tensor_count} tensors, "
                f"{info.tensors_read} read]",
                markup=False,
            )
        if checkpoint.layers:
            console.print(layer_table(checkpoint))
        else:
            console.print("no batch-normalization layers found", markup=False)
    findings = report.findings
    if findings:
        console.print()
        for finding in findings:
            console.print(_finding_text(finding), soft_wrap=True)
    console.print()
    # one unbroken line: CI logs and `tail -1` read it
    console.print(summary_line(report), markup=False, highlight=False, soft_wrap=True)
