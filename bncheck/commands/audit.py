"""``bncheck audit``: check the batch-norm statistics saved in checkpoints."""

from __future__ import annotations

import sys

import click

from bncheck.findings import Severity

_LARGE_CHECKPOINT = 256 * 1024 * 1024  # bytes; above this a single checkpoint gets a progress bar


@click.command("audit")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="warning",
    show_default=True,
    help="Exit 1 when a finding of this severity or higher is reported.",
)
@click.option(
    "--all",
    "all_checkpoints",
    is_flag=True,
    help="Audit every checkpoint listed in a directory's `checkpoint` file, in step order.",
)
@click.option(
    "--reader",
    type=click.Choice(["file", "tf"]),
    default="file",
    show_default=True,
    help="How tensor bundles are read: from their files (no TensorFlow), or through TensorFlow "
    "(needs bncheck[tf]; for comparison).",
)
@click.option(
    "--verbose", is_flag=True, help="Show TensorFlow's log output and every checkpoint's layer table."
)
def audit_command(
    paths: tuple[str, ...],
    output_format: str,
    fail_on: str,
    all_checkpoints: bool,
    reader: str,
    verbose: bool,
) -> int:
    """Check a checkpoint's BN moving statistics: saved? updated? finite?

    PATH is a checkpoint prefix (model.ckpt-1000) or one of its files, a directory with a
    `checkpoint` file (its latest checkpoint; --all for every one), a SavedModel directory,
    or a Keras .keras / .h5 / .weights.h5 file.  Two or more checkpoints are also compared
    with each other (BN105).  Checkpoints are read straight from their files: TensorFlow is
    not needed (--reader tf reads them through TensorFlow instead).

    \b
      bncheck audit train_dir/
      bncheck audit --all --format json train_dir/
      bncheck audit model.ckpt-1000 --fail-on error

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 unreadable input.
    """
    from bncheck.audit.core import audit_paths

    with _progress(paths, all_checkpoints) as on_progress:
        report = audit_paths(
            list(paths),
            all_checkpoints=all_checkpoints,
            verbose=verbose,
            on_progress=on_progress,
            reader=reader,
        )
    _emit(report, output_format, verbose)
    threshold = Severity.parse(fail_on)
    return 1 if any(finding.severity >= threshold for finding in report.findings) else 0


def _emit(report, output_format: str, verbose: bool) -> None:  # noqa: ANN001 - AuditReport, imported lazily
    if output_format == "text":
        from bncheck.reporting.audit_text import render
        from bncheck.reporting.console import make_console

        render(report, make_console(), verbose=verbose)
        return
    from bncheck.reporting.json import dumps

    if output_format == "json":
        from bncheck.reporting.json import findings_document

        click.echo(
            dumps(findings_document("audit", report.findings, checkpoints=_checkpoints_json(report))),
            nl=False,
        )
        return
    from bncheck.findings import get_rule
    from bncheck.reporting.sarif import sarif_document

    rules = [rule for rule in (get_rule(f"BN10{number}") for number in range(1, 7)) if rule is not None]
    click.echo(dumps(sarif_document(report.findings, rules)), nl=False)


def _checkpoints_json(report) -> list[dict]:  # noqa: ANN001
    """The ``checkpoints`` member of the json document (schema in the README)."""
    documents = []
    for checkpoint in report.checkpoints:
        info = checkpoint.info
        documents.append(
            {
                "path": info.path,
                "kind": info.kind,
                "step": info.step,
                "tensor_count": info.tensor_count,
                "tensors_read": info.tensors_read,
                "size_bytes": info.size_bytes,
                "layers": [
                    {
                        "name": layer.name,
                        "channels": layer.channels,
                        "status": layer.status,
                        "variables": {
                            role: {
                                "key": stats.key,
                                "min": _finite_or_none(stats.minimum),
                                "max": _finite_or_none(stats.maximum),
                                "nan": stats.nan_count,
                                "inf": stats.inf_count,
                            }
                            for role, stats in layer.tensors
                        },
                    }
                    for layer in checkpoint.layers
                ],
            }
        )
    return documents


def _finite_or_none(value: float) -> float | None:
    return value if value == value else None  # JSON has no NaN


class _progress:
    """A progress bar on stderr, only for a terminal, only for many checkpoints or a large one."""

    def __init__(self, paths: tuple[str, ...], all_checkpoints: bool) -> None:
        self.enabled = sys.stderr.isatty() and (all_checkpoints or len(paths) > 1 or _large(paths))
        self.bar = None
        self.task = None

    def __enter__(self):  # noqa: ANN204
        if not self.enabled:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        from bncheck.reporting.console import make_console

        self.bar = Progress(
            TextColumn("reading BN tensors"),
            BarColumn(),
            MofNCompleteColumn(),
            console=make_console(stderr=True),
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task("audit", total=None)

        def on_progress(done: int, total: int, label: str) -> None:
            self.bar.update(self.task, completed=done, total=total)

        return on_progress

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        if self.bar is not None:
            self.bar.stop()


def _large(paths: tuple[str, ...]) -> bool:
    import glob
    import os

    total = 0
    for path in paths:
        for name in glob.glob(glob.escape(path) + ".data-*") + ([path] if os.path.isfile(path) else []):
            try:
                total += os.path.getsize(name)
            except OSError:
                continue
    return total > _LARGE_CHECKPOINT
