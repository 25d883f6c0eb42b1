"""`bncheck trace -- python train.py ARGS`: run a training script and count BN update runs per layer."""

from __future__ import annotations

import io
import os
import signal

import click

from bncheck.commands.graph import FAIL_ON, FORMATS, exit_code
from bncheck.errors import InputError


@click.command(
    "trace",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.option(
    "--max-steps",
    type=click.IntRange(min=1),
    default=None,
    help="Stop the script cleanly after this many training steps.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Write the report to this file instead of stderr.",
)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="never",
    show_default=True,
    help="Exit 1 on a finding of this severity when the script itself exited 0.",
)
@click.option("--verbose", is_flag=True, help="Show TensorFlow's own log output.")
@click.argument("command", nargs=-1, type=click.UNPROCESSED, required=True)
def trace_command(
    max_steps: int | None,
    report_path: str | None,
    output_format: str,
    fail_on: str,
    verbose: bool,
    command: tuple[str, ...],
) -> int:
    """Run a training script unchanged and report, per BN layer, how many training steps ran its updates.

    \b
      bncheck trace -- python train.py --epochs 1
      bncheck trace --max-steps 50 --report bn.txt -- python train.py

    The script's output and exit code pass through; the report goes to stderr
    (or --report FILE), also when the script raises or --max-steps stops it.
    """
    from bncheck.trace.report import trace_findings
    from bncheck.trace.run import run_traced

    if report_path is not None:
        # resolved now: the script may change the working folder
        report_path = os.path.abspath(report_path)
        _check_report_folder(report_path)  # before the script runs, not after a long training
    result = run_traced(command, max_steps=max_steps, verbose=verbose)
    findings = trace_findings(result.report)
    text = _render(result.report, findings, output_format, plain=report_path is not None)
    if report_path is None:
        click.echo(text, nl=False, err=True)
    else:
        try:
            with open(report_path, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            raise InputError(report_path, f"cannot write the report ({error.strerror or error})") from None
    if result.signal_number is not None:
        # the report is out: now end as the signal would have ended the script
        signal.signal(result.signal_number, signal.SIG_DFL)
        os.kill(os.getpid(), result.signal_number)
    if result.exit_code:
        return result.exit_code
    return exit_code(findings, fail_on)


def _check_report_folder(report_path: str) -> None:
    folder = os.path.dirname(os.path.abspath(report_path))
    if not os.path.isdir(folder):
        raise InputError(report_path, f"cannot write the report: no folder {folder}")


def _render(report, findings, output_format: str, plain: bool) -> str:
    from bncheck.reporting.json import dumps, findings_document

    if output_format == "json":
        return dumps(findings_document("trace", findings, trace=report.to_dict()))
    if output_format == "sarif":
        from bncheck.findings import get_rule
        from bncheck.reporting.sarif import sarif_document

        return dumps(sarif_document(findings, [get_rule(finding.code) for finding in findings]))
    from rich.console import Console

    from bncheck.reporting.console import make_console
    from bncheck.reporting.graph_text import render_trace

    buffer = io.StringIO()
    if plain:
        # a file has no terminal width: wide enough that paths and messages never wrap mid-cell
        console = Console(file=buffer, width=400, no_color=True, highlight=False, emoji=False)
    else:
        stderr_console = make_console(stderr=True)
        console = Console(
            file=buffer,
            width=stderr_console.width,
            color_system=stderr_console.color_system,
            force_terminal=stderr_console.is_terminal,
            highlight=False,
            emoji=False,
        )
    render_trace(console, report, findings)
    return buffer.getvalue()
