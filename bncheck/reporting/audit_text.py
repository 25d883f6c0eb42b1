"""Rich text for ``bncheck audit``: a summary line, a per-layer table, the findings with fixes."""

from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bncheck.audit.model import ROLE_MEAN, ROLE_VARIANCE, AuditReport, BnLayer, CheckpointAudit, TensorStats
from bncheck.reporting.escape import printable
from bncheck.reporting.text import render_findings, severity_counts
from bncheck.wording import plural

_STATUS_STYLE = {"updated": "green", "initial": "yellow", "missing": "red", "invalid": "bold red"}


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
    """``2 checkpoints, latest run/m.ckpt-1000 (tf1, step 1000): 53 BN layers; findings: 1 error, ...``."""
    latest = report.checkpoints[-1].info if report.checkpoints else None
    step = f", step {latest.step}" if latest is not None and latest.step is not None else ""
    where = f"{latest.path} ({latest.kind}{step})" if latest is not None else "nothing"
    if len(report.checkpoints) > 1:
        where = f"{len(report.checkpoints)} checkpoints, latest {where}"
    counts = severity_counts(list(report.findings))
    return f"{printable(where)}: {plural(len(report.layers), 'BN layer')}; findings: {counts}"


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
        Text(printable(layer.name)),
        Text(str(layer.channels)),
        Text(_range(layer.get(ROLE_MEAN))),
        Text(_range(layer.get(ROLE_VARIANCE))),
        status,
    )


def render(report: AuditReport, console: Console, verbose: bool = False, quiet: bool = False) -> None:
    """Print the audit; with ``verbose``, the layer table of every checkpoint, not only the latest.

    ``quiet``: the findings only.
    """
    if quiet:
        render_findings(console, report.findings)
        return
    shown = report.checkpoints if verbose else report.checkpoints[-1:]
    for checkpoint in shown:
        info = checkpoint.info
        if verbose or len(report.checkpoints) > 1:
            step = "none saved" if info.step is None else str(info.step)
            console.print(
                f"{printable(info.path)}  [{info.kind}, step {step}, {plural(info.tensor_count, 'tensor')}, "
                f"{info.tensors_read} read]",
                markup=False,
                soft_wrap=not console.is_terminal,
            )
        if checkpoint.layers:
            console.print(layer_table(checkpoint))
        else:
            console.print("no batch-normalization layers found", markup=False)
    findings = report.findings
    if findings:
        console.print()
        render_findings(console, findings)
    console.print()
    # one unbroken line: CI logs and `tail -1` read it
    console.print(summary_line(report), markup=False, highlight=False, soft_wrap=True)
