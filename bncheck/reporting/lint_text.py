"""Plain-text lint output: ``path:line:col: CODE message``, flake8/ruff style, and statistics."""

from __future__ import annotations

from collections import Counter
from typing import Collection, Iterable

from bncheck.findings import Finding, get_rule
from bncheck.reporting.text import findings_summary, finding_line
from bncheck.wording import plural


def finding_lines(findings: Iterable[Finding], fixable: Collection[Finding] = ()) -> list[str]:
    """One line per finding, in the form editors and CI log parsers read; ``[*]`` marks the fixable."""
    return [finding_line(finding, fixable=finding in fixable) for finding in findings]


def fixable_line(count: int) -> str | None:
    """The closing line after findings of which ``count`` are fixable (None when none are)."""
    if not count:
        return None
    return f"bncheck: [*] {count} fixable with --fix (preview with --diff)"


def summary_line(findings: list[Finding], files: int) -> str:
    """The one-line summary printed on stderr after text output."""
    checked = plural(files, "file")
    if not findings:
        return f"bncheck: no findings in {checked}"
    return f"bncheck: {findings_summary(findings)} in {checked}; `bncheck explain CODE` explains one"


def statistics_lines(findings: list[Finding]) -> list[str]:
    """``count  CODE  title`` per rule, most frequent first."""
    counts = Counter(f.code for f in findings)
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = get_rule(code)
        lines.append(f"{count:>5}  {code}  {rule.title if rule else ''}".rstrip())
    return lines
