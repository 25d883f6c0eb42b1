"""`bncheck trace -- python train.py ARGS`: run a training script and count BN update runs per layer."""

from __future__ import annotations

import os
import signal

import click

from bncheck.reporting.output import OutputOptions, exit_code, output_options


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
@output_options(file_help="Write the report to this file instead of stderr.", file_aliases=("--report",))
@click.option("--verbose", is_flag=True, help="Show TensorFlow's own log output.")
@click.argument("command", nargs=-1, type=click.UNPROCESSED, required=True)
def trace_command(
    max_steps: int | None,
    output: OutputOptions,
    verbose: bool,
    command: tuple[str, ...],
) -> int:
    """Run a training script unchanged and report, per BN layer, how many training steps ran its updates.

    \b
      bncheck trace -- python train.py --epochs 1
      bncheck trace --max-steps 50 --output-file bn.txt -- python train.py

    The script's output passes through; the report goes to stderr (or --output-file
    FILE), also when the script raises or --max-steps stops it.  The exit code is the
    script's when it failed; otherwise 1 for findings at or above --fail-on, else 0.
    """
    from bncheck.reporting.graph_text import render_trace
    from bncheck.reporting.json import trace_members
    from bncheck.reporting.output import FindingsReport, write_report
    from bncheck.trace.report import trace_findings
    from bncheck.trace.run import run_traced

    result = run_traced(command, max_steps=max_steps, verbose=verbose)
    findings = trace_findings(result.report)
    report = FindingsReport(
        command="trace",
        findings=findings,
        faces=("trace",),
        text=lambda console, quiet: render_trace(console, result.report, findings, quiet),
        document=trace_members(result.report),
    )
    # stdout belongs to the script
    write_report(report, output, stderr=True)
    if result.signal_number is not None:
        # the report is out: now end as the signal would have ended the script
        signal.signal(result.signal_number, signal.SIG_DFL)
        os.kill(os.getpid(), result.signal_number)
    if result.exit_code:
        return result.exit_code
    return exit_code(findings, output.fail_on)
