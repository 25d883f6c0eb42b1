"""The one output and exit layer of lint, audit, graph and trace.

Every command that reports findings takes the same options (``output_options``), writes
through the same renderer per format (``write_report``) and ends with the same exit code
(``exit_code``).  A command only supplies its findings, the extra members of its JSON
document and its own text report.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

import click

from bncheck.errors import InputError
from bncheck.findings import Finding, Severity

if TYPE_CHECKING:  # rich is imported when a report is written, not for `bncheck --help`
    from rich.console import Console

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "github")
FAIL_ON: tuple[str, ...] = ("error", "warning", "info", "never")
# one default for every command: errors and warnings fail a CI job, info findings do not
DEFAULT_FAIL_ON = "warning"

FORMAT_HELP = (
    "text (rich; plain when not a terminal), json (the findings schema), sarif (SARIF 2.1.0), "
    "github (workflow annotations)."
)
FAIL_ON_HELP = "Exit 1 when a finding has at least this severity; never: exit 0 whatever is found."


@dataclass(frozen=True)
class OutputOptions:
    """What the shared options asked for."""

    format: str = "text"
    fail_on: str = DEFAULT_FAIL_ON
    output_file: str | None = None
    quiet: bool = False


@dataclass(frozen=True)
class FindingsReport:
    """What a command hands to the output layer.

    ``text`` prints the command's own text report on a console (``quiet``: the findings only), or
    returns it as plain text;
    ``document`` holds the members the command adds to the JSON findings document;
    ``faces`` name the registry faces whose rules a SARIF log lists.
    """

    command: str
    findings: list[Finding]
    faces: tuple[str, ...]
    text: Callable[[Console, bool], str | None]
    document: dict[str, Any] = field(default_factory=dict)


def output_options(
    formats: Iterable[str] = FORMATS,
    file_help: str = "Write the report to this file instead of stdout.",
    file_aliases: tuple[str, ...] = (),
) -> Callable:
    """Decorate a click command with ``--format``, ``--fail-on``, ``--output-file`` and ``--quiet``.

    The command receives them as one ``output: OutputOptions`` argument.
    """

    options = [
        click.option(
            "--format",
            "--output-format",
            "output_format",
            type=click.Choice(tuple(formats)),
            default="text",
            show_default=True,
            help=FORMAT_HELP,
        ),
        click.option(
            "--fail-on",
            type=click.Choice(FAIL_ON),
            default=DEFAULT_FAIL_ON,
            show_default=True,
            help=FAIL_ON_HELP,
        ),
        click.option(
            "-o",
            "--output-file",
            *file_aliases,
            "output_file",
            type=click.Path(dir_okay=False, path_type=str),
            default=None,
            metavar="FILE",
            help=file_help,
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            help="Text: print the findings and nothing else (no tables, no summary).",
        ),
    ]

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def command(
            *args: Any, output_format: str, fail_on: str, output_file: str | None, quiet: bool, **kwargs: Any
        ) -> Any:
            if output_file is not None:
                check_output_file(output_file)  # before the work, not after a long run
                # resolved now: a traced script may change the working folder before the report is written
                output_file = os.path.abspath(output_file)
            output = OutputOptions(output_format, fail_on, output_file, quiet)
            return function(*args, output=output, **kwargs)

        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def exit_code(findings: Iterable[Finding], fail_on: str) -> int:
    """1 when a finding reaches the ``--fail-on`` severity, else 0 (always 0 for ``never``)."""
    if fail_on == "never":
        return 0
    threshold = Severity.parse(fail_on)
    return 1 if any(finding.severity >= threshold for finding in findings) else 0


def check_output_file(path: str) -> None:
    """InputError unless ``path`` can be written: its folder exists and it is not a folder itself."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(path, f"cannot write the report: no folder {folder}")
    if os.path.isdir(path):
        raise InputError(path, "cannot write the report: it is a folder")


def render(report: FindingsReport, output: OutputOptions, console: Console) -> str | None:
    """The report in ``output.format`` as a string, or None when the text report went to ``console``."""
    if output.format == "json":
        from bncheck.reporting.json import dumps, findings_document

        return dumps(findings_document(report.command, report.findings, **report.document))
    if output.format == "sarif":
        from bncheck.findings import face_rules
        from bncheck.reporting.json import dumps
        from bncheck.reporting.sarif import sarif_document

        return dumps(sarif_document(report.findings, face_rules(*report.faces)))
    if output.format == "github":
        from bncheck.reporting.github import annotation_lines

        return "".join(line + "\n" for line in annotation_lines(report.findings))
    return report.text(console, output.quiet)


def write_report(report: FindingsReport, output: OutputOptions, stderr: bool = False) -> None:
    """Write the report to ``--output-file``, or to stdout (stderr for ``stderr=True``)."""
    from bncheck.reporting.console import file_console, make_console

    if output.output_file is None:
        console = make_console(stderr=stderr)
        text = render(report, output, console)
        if text is not None:
            click.echo(text, nl=False, err=stderr)
        return
    try:
        with open(output.output_file, "w", encoding="utf-8", errors="backslashreplace") as handle:
            text = render(report, output, file_console(handle))
            if text is not None:
                handle.write(text)
    except OSError as error:
        raise InputError(output.output_file, f"cannot write the report ({error.strerror or error})") from None


def echo_summary(line: str, output: OutputOptions) -> None:
    """A one-line summary on stderr after text output, unless ``--quiet``."""
    if output.format == "text" and not output.quiet:
        click.echo(line, err=True)


__all__ = [
    "DEFAULT_FAIL_ON",
    "FAIL_ON",
    "FORMATS",
    "FindingsReport",
    "OutputOptions",
    "echo_summary",
    "exit_code",
    "output_options",
    "write_report",
]
