"""The text form of a finding, shared by every command: ``path:line:col: CODE message``."""

from __future__ import annotations

from typing import Iterable

from rich.console import Console
from rich.text import Text

from bncheck.findings import Finding, Severity, count_by_severity
from bncheck.reporting.escape import printable
from bncheck.wording import plural

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def finding_line(finding: Finding, severity: bool = False, fixable: bool = False) -> str:
    """One line, escaped: the flake8/ruff form that editors and CI log parsers read.

    A finding that ``--fix`` would fix is marked ``[*]`` after its code, as ruff marks them.
    """
    grade = f" {finding.severity.label}" if severity else ""
    mark = " [*]" if fixable else ""
    return f"{printable(finding.location)}: {finding.code}{grade}{mark} {printable(finding.message)}"


def finding_text(finding: Finding) -> Text:
    """The finding with its severity, styled, and its fix on a second, indented line."""
    text = Text()
    text.append(f"{printable(finding.location)}: ", style="bold")
    text.append(f"{finding.code} {finding.severity.label}", style=SEVERITY_STYLE[finding.severity])
    text.append(f" {printable(finding.message)}")
    if finding.fix:
        text.append("\n    fix: ", style="bold")
        text.append(printable(finding.fix))
    return text


def render_findings(console: Console, findings: Iterable[Finding]) -> None:
    """Every finding; never wrapped when the output is not a terminal (one finding, one line)."""
    for finding in findings:
        console.print(finding_text(finding), soft_wrap=not console.is_terminal)


def severity_counts(findings: list[Finding], skip_zero: bool = False) -> str:
    """``1 error, 2 warnings, 0 info``."""
    return ", ".join(
        plural(count, label) for label, count in count_by_severity(findings).items() if count or not skip_zero
    )


def findings_summary(findings: list[Finding]) -> str:
    """``no findings`` or ``3 findings (2 errors, 1 warning)``."""
    if not findings:
        return "no findings"
    return f"{plural(len(findings), 'finding')} ({severity_counts(findings, skip_zero=True)})"
