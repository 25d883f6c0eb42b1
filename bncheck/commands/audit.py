"""``bncheck audit``: check the batch-norm statistics saved in checkpoints."""

from __future__ import annotations

import sys

import click

from bncheck.reporting.output import OutputOptions, exit_code, output_options

_LARGE_CHECKPOINT = 256 * 1024 * 1024  # bytes; above this a single checkpoint gets a progress bar


@click.command("audit")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@output_options()
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
    paths: tuple[str, ...], output: OutputOptions, all_checkpoints: bool, reader: str, verbose: bool
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
    from bncheck.reporting.audit_text import render
    from bncheck.reporting.json import audit_members
    from bncheck.reporting.output import FindingsReport, write_report

    with _progress(paths, all_checkpoints) as on_progress:
        report = audit_paths(
            list(paths),
            all_checkpoints=all_checkpoints,
            verbose=verbose,
            on_progress=on_progress,
            reader=reader,
        )
    findings = list(report.findings)
    write_report(
        FindingsReport(
            command="audit",
            findings=findings,
            faces=("audit",),
            text=lambda console, quiet: render(report, console, verbose=verbose, quiet=quiet),
            document=audit_members(report),
        ),
        output,
    )
    return exit_code(findings, output.fail_on)


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
