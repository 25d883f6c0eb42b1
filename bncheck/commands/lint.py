"""`bncheck lint`: static check of training scripts, the way Python linters work (no TensorFlow)."""

from __future__ import annotations

import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import click

from bncheck.errors import BncheckError
from bncheck.reporting.output import OutputOptions, exit_code, output_options
from bncheck.wording import plural

_CODES_HELP = "comma-separated codes or prefixes (BN001, BN00, BN); an unknown or non-lint code is an error"


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_options(formats=("text", "json", "sarif", "github"))
@click.option("--select", multiple=True, metavar="CODES", help=f"Only these rules ({_CODES_HELP}).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules.")
@click.option(
    "--extend-select", multiple=True, metavar="CODES", help="Add rules to the selection (e.g. BN010)."
)
@click.option("--extend-ignore", multiple=True, metavar="CODES", help="Skip these rules too (as --ignore).")
@click.option(
    "--per-file-ignores",
    multiple=True,
    metavar="PATTERN:CODES",
    help="Skip CODES in files matching PATTERN (relative to the current folder), e.g. 'tests/*:BN001'.",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="PATTERN",
    help="Skip files and folders matching this glob INSTEAD of the default and configured excludes.",
)
@click.option(
    "--extend-exclude",
    multiple=True,
    metavar="PATTERN",
    help="Skip files and folders matching this glob, besides the default excludes (.git, .venv, build, ...).",
)
@click.option(
    "--force-exclude/--no-force-exclude",
    default=None,
    help="Apply the excludes and .gitignore to files named on the command line too (for pre-commit).",
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=None,
    help="Skip files that the repository's .gitignore files ignore (default: on).",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="With PATH '-': the name of the file read from stdin (for messages, per-file ignores, excludes).",
)
@click.option(
    "--target-version",
    metavar="X.Y",
    help="TensorFlow version the code must run on (>= 2.16 turns on BN010).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read this pyproject.toml or setup.cfg instead of searching for one.",
)
@click.option("--isolated", is_flag=True, help="Ignore configuration files.")
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule after the findings.")
@click.option(
    "--fix", is_flag=True, help="Rewrite files to fix BN001 and BN003 (atomically); report what is left."
)
@click.option(
    "--diff", is_flag=True, help="Print the fixes --fix would make as a unified diff; write nothing."
)
@click.option(
    "-j",
    "--jobs",
    type=int,
    default=None,
    metavar="N",
    help="Worker processes (0: one per CPU; at most the CPU count). Default: one per CPU from 100 files on.",
)
@click.option("--no-prefilter", is_flag=True, help="Parse every file, even those that cannot hold a finding.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (as --fail-on never).")
def lint_command(
    paths,
    output: OutputOptions,
    select,
    ignore,
    extend_select,
    extend_ignore,
    per_file_ignores,
    exclude,
    extend_exclude,
    force_exclude,
    respect_gitignore,
    stdin_filename,
    target_version,
    config_path,
    isolated,
    statistics,
    fix,
    diff,
    jobs,
    no_prefilter,
    exit_zero,
) -> int:
    """Check TensorFlow training scripts for batch-norm bugs, without running them.

    PATHS are files and folders (default: the current folder); `-` reads one file from stdin.

    \b
      bncheck lint src/                    text: path:line:col: CODE message
      bncheck lint --format sarif src/ > bncheck.sarif
      bncheck lint --select BN001,BN003 --fix train.py
      bncheck lint - --stdin-filename train.py < train.py
      bncheck explain BN001                what a finding means

    Path patterns in a config file are relative to its folder; those given here, to the
    current folder.  Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.
    """
    from bncheck.lint.api import lint_paths
    from bncheck.lint.config import (
        LintConfig,
        check_jobs,
        discover_config,
        load_config,
        option_codes,
        per_file_ignores_option,
        rebase,
    )

    _check_fix_options(fix, diff, output.format)
    paths = list(paths) or [Path(".")]
    from_stdin = Path("-") in paths
    if from_stdin and len(paths) > 1:
        raise BncheckError("`-` (stdin) cannot be combined with other paths")
    if from_stdin and (fix or diff):
        raise BncheckError("--fix and --diff rewrite files; they do not apply to stdin (`-`)")
    if stdin_filename is not None and not from_stdin:
        raise BncheckError("--stdin-filename names the file read from stdin: give `-` as the path")
    if isolated:
        config = LintConfig()
    elif config_path is not None:
        config = load_config(config_path)
    else:
        config = discover_config([Path(stdin_filename)] if from_stdin and stdin_filename else paths)
    changes: dict = {}
    if select:
        changes["select"] = option_codes(select, "--select")
    if ignore or extend_ignore:
        changes["ignore"] = (
            config.ignore + option_codes(ignore, "--ignore") + option_codes(extend_ignore, "--extend-ignore")
        )
    if extend_select:
        changes["extend_select"] = config.extend_select + option_codes(extend_select, "--extend-select")
    if per_file_ignores:
        changes["per_file_ignores"] = config.per_file_ignores + per_file_ignores_option(
            per_file_ignores, config
        )
    if exclude:
        changes["exclude"] = tuple(rebase(pattern, config) for pattern in exclude)
    if extend_exclude:
        changes["extend_exclude"] = config.extend_exclude + tuple(rebase(p, config) for p in extend_exclude)
    if force_exclude is not None:
        changes["force_exclude"] = force_exclude
    if respect_gitignore is not None:
        changes["respect_gitignore"] = respect_gitignore
    if target_version:
        if not re.match(r"^\d+\.\d+", target_version):
            raise BncheckError(f"--target-version must look like 2.16, not {target_version!r}")
        changes["target_version"] = target_version
    if jobs is not None:
        changes["jobs"] = check_jobs(jobs, "--jobs")
    if no_prefilter:
        changes["prefilter"] = False
    config = replace(config, **changes)

    if from_stdin:
        result = _lint_stdin(stdin_filename or "-", config)
        _report(result.findings, output, result.files, statistics)
        return 0 if exit_zero else exit_code(result.findings, output.fail_on)

    started = time.time_ns()
    result = lint_paths(paths, config)
    findings = result.findings
    refused = False
    if fix or diff:
        findings, refused = _fix_or_diff(findings, diff, started, lambda: lint_paths(paths, config).findings)
    if diff:
        click.echo(
            f"bncheck: {plural(len(findings), 'finding')} in {plural(result.files, 'file')}; "
            "nothing written (--diff)",
            err=True,
        )
        return 0 if exit_zero else exit_code(findings, output.fail_on)
    _report(findings, output, result.files, statistics)
    if refused:
        return 2
    return 0 if exit_zero else exit_code(findings, output.fail_on)


def _check_fix_options(fix: bool, diff: bool, output_format: str) -> None:
    # --diff replaces the report with a patch: with --fix or a machine-readable format one of the two
    # requests would be dropped without a word
    if fix and diff:
        raise click.UsageError("--fix writes the fixes and --diff only prints them: give one of the two")
    if diff and output_format != "text":
        raise click.UsageError(
            f"--diff prints a unified diff, not a {output_format} report: drop --diff or --format"
        )


def _fix_or_diff(findings, diff: bool, started: int, relint) -> tuple[list, bool]:
    """Print or write the fixes; the findings left afterwards and whether a file refused its fix."""
    from bncheck.lint.fixes import plan_fixes

    plans = plan_fixes(findings, read_since_ns=started)
    for plan in plans:
        for item in plan.unfixable:
            where = item.finding.location
            click.echo(
                f"{where.path}:{where.line or 1}:{where.column or 1}: {item.finding.code} "
                f"not auto-fixable: {item.reason}",
                err=True,
            )
    if diff:
        for plan in plans:
            click.echo(plan.diff(), nl=False)
        return findings, False
    from bncheck.lint.writeback import write_fixes

    outcomes = write_fixes(plans)
    written = {outcome.path for outcome in outcomes if outcome.written}
    for outcome in outcomes:
        if not outcome.written:
            click.echo(f"bncheck: {outcome.path}: {outcome.problem}", err=True)
    if written:
        count = sum(len(plan.codes) for plan in plans if plan.path in written)
        click.echo(f"bncheck: fixed {plural(count, 'finding')} in {plural(len(written), 'file')}", err=True)
        findings = relint()
    return findings, any(outcome.refused for outcome in outcomes)


def _lint_stdin(name: str, config):  # noqa: ANN001, ANN202 - LintConfig, LintResult (imported lazily)
    from bncheck.lint.api import LintResult, lint_bytes
    from bncheck.lint.files import excluded_name

    if config.force_exclude and name != "-" and excluded_name(Path(name), config):
        return LintResult(findings=[], files=0)  # pre-commit passes excluded files too
    return lint_bytes(sys.stdin.buffer.read(), name, config)


def _report(findings, output: OutputOptions, files: int, statistics: bool) -> None:  # noqa: ANN001
    from bncheck.lint.fixes import fixable_findings
    from bncheck.reporting.lint_text import finding_lines, fixable_line, summary_line
    from bncheck.reporting.output import FindingsReport, echo_summary, write_report

    fixable = fixable_findings(findings) if output.format == "text" else ()

    def text(console, quiet: bool) -> str:  # noqa: ANN001 - the layer's console; lint text is plain lines
        return "".join(line + "\n" for line in finding_lines(findings, fixable))

    write_report(
        FindingsReport("lint", findings, faces=("lint",), text=text, document={"files": files}), output
    )
    echo_summary(summary_line(findings, files), output)
    closing = fixable_line(len(fixable))
    if closing:
        echo_summary(closing, output)
    if statistics:
        # after machine-readable output the counts go to stderr, so stdout stays one document
        _print_statistics(findings, to_stderr=output.format != "text" or output.output_file is not None)


def _print_statistics(findings, to_stderr: bool) -> None:
    from bncheck.reporting.lint_text import statistics_lines

    for line in statistics_lines(findings):
        click.echo(line, err=to_stderr)
