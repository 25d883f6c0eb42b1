"""`bncheck lint`: static check of training scripts, the way Python linters work (no TensorFlow)."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path

import click

from bncheck.errors import BncheckError


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    codes = tuple(
        code.strip().upper() for value in values for code in re.split(r"[\s,]+", value) if code.strip()
    )
    for code in codes:
        if not re.fullmatch(r"BN\d{0,3}", code):
            raise BncheckError(f"{code!r} is not a bncheck rule code (expected BN001, BN00, BN, ...)")
    return codes


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--select", multiple=True, metavar="CODES", help="Only these rules (comma-separated codes or prefixes)."
)
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules.")
@click.option(
    "--extend-select", multiple=True, metavar="CODES", help="Add rules to the selection (e.g. BN010)."
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="PATTERN",
    help="Skip files and folders matching this glob, besides the default excludes (.git, .venv, build, ...).",
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
    "--fix",
    is_flag=True,
    help="Rewrite files to fix BN001 and BN003 (owner, mode and links kept); report what is left.",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Print the fixes --fix would make as a unified diff, write nothing (not with --fix or --format).",
)
@click.option(
    "-j",
    "--jobs",
    type=int,
    default=None,
    metavar="N",
    help="Worker processes (0: one per CPU). Default: one per CPU from 100 files on, else 1.",
)
@click.option("--no-prefilter", is_flag=True, help="Parse every file, even those that cannot hold a finding.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
def lint_command(
    paths,
    output_format,
    select,
    ignore,
    extend_select,
    exclude,
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

    \b
      bncheck lint src/                    text: path:line:col: CODE message
      bncheck lint --format sarif src/ > bncheck.sarif
      bncheck lint --select BN001,BN003 --fix train.py
      bncheck explain BN001                what a finding means

    Exit codes: 0 clean, 1 findings, 2 usage or input error.
    """
    from bncheck.lint.api import lint_paths
    from bncheck.lint.config import LintConfig, discover_config, load_config

    _check_fix_options(fix, diff, output_format)
    paths = list(paths) or [Path(".")]
    if isolated:
        config = LintConfig()
    elif config_path is not None:
        config = load_config(config_path)
    else:
        config = discover_config(paths)
    changes: dict = {}
    if select:
        changes["select"] = _codes(select)
    if ignore:
        changes["ignore"] = config.ignore + _codes(ignore)
    if extend_select:
        changes["extend_select"] = config.extend_select + _codes(extend_select)
    if exclude:
        changes["extend_exclude"] = config.extend_exclude + tuple(exclude)
    if target_version:
        if not re.match(r"^\d+\.\d+", target_version):
            raise BncheckError(f"--target-version must look like 2.16, not {target_version!r}")
        changes["target_version"] = target_version
    if jobs is not None:
        if jobs < 0:
            raise BncheckError(f"--jobs must be 0 (one per CPU) or more, not {jobs}")
        changes["jobs"] = jobs
    if no_prefilter:
        changes["prefilter"] = False
    config = replace(config, **changes)

    started = time.time_ns()
    result = lint_paths(paths, config)
    findings = result.findings
    refused = False
    if fix or diff:
        findings, refused = _fix_or_diff(findings, diff, started, lambda: lint_paths(paths, config).findings)
    if diff:
        click.echo(
            f"bncheck: {len(findings)} finding(s) in {result.files} file(s); nothing written (--diff)",
            err=True,
        )
    else:
        _report(findings, output_format, result.files)
    if statistics:
        # after machine-readable output the counts go to stderr, so stdout stays one document
        _print_statistics(findings, to_stderr=output_format != "text")
    if refused:
        return 2
    return 0 if (exit_zero or not findings) else 1


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
        click.echo(f"bncheck: fixed {count} finding(s) in {len(written)} file(s)", err=True)
        findings = relint()
    return findings, any(outcome.refused for outcome in outcomes)


def _report(findings, output_format: str, files: int) -> None:
    if output_format == "json":
        from bncheck.reporting.json import dumps, findings_document

        click.echo(dumps(findings_document("lint", findings, files=files)), nl=False)
    elif output_format == "sarif":
        import json

        from bncheck.findings import all_rules
        from bncheck.reporting.sarif import sarif_document

        rules = [rule for rule in all_rules() if rule.face == "lint"]
        click.echo(json.dumps(sarif_document(findings, rules), indent=2))
    elif output_format == "github":
        from bncheck.reporting.github import annotation_lines

        for line in annotation_lines(findings):
            click.echo(line)
    else:
        from bncheck.lint.fixes import fixable_findings
        from bncheck.reporting.lint_text import finding_lines, fixable_line, summary_line

        fixable = fixable_findings(findings)
        for line in finding_lines(findings, fixable):
            click.echo(line)
        click.echo(summary_line(findings, files), err=True)
        closing = fixable_line(len(fixable))
        if closing:
            click.echo(closing, err=True)


def _print_statistics(findings, to_stderr: bool) -> None:
    from bncheck.reporting.lint_text import statistics_lines

    for line in statistics_lines(findings):
        click.echo(line, err=to_stderr)
