"""Plain-text lint output: ``path:line:col: CODE message``, flake8/ruff style, and statistics."""

from __future__ import annotations

from collections import Counter
from typing import Collection, Iterable

from bncheck.findings import Finding, get_rule


def finding_lines(findings: Iterable[Finding], fixable: Collection[Finding] = ()) -> list[str]:
    """One line per finding, in the format editors and CI log parsers understand.

    A finding that ``--fix`` would fix is marked ``[*]`` after its code, as ruff marks them.
    """
    return [
        f"{f.location.path}:{f.location.line or 1}:{f.location.column or 1}: {f.code} "
        f"{'[*] ' if f in fixable else ''}{f.message}"
        for f in findings
    ]


def fixable_line(count: int) -> str | None:
    """The closing line after findings of which ``count`` are fixable (None when none are)."""
    if not count:
        return None
    return f"bncheck: [*] {count} fixable with --fix (preview with --diff)"


def summary_line(findings: list[Finding], files: int) -> str:
    """The one-line summary printed on stderr after text output."""
    if not findings:
        return f"bncheck: no findings in {files} file(s)"
    counts = Counter(f.severity.label for f in findings)
    detail = ", ".join(f"{counts[label]} {label}" for label in ("error", "warning", "info") if counts[label])
    return (
        f"bncheck: {len(findings)} finding(s) ({detail}) in {files} file(s); "
        "`bncheck explain CODE` explains one"
    )


def statistics_lines(findings: list[Finding]) -> list[str]:
    """``count  CODE  title`` per rule, most frequent first."""
    counts = Counter(f.code for f in findings)
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = get_rule(code)
        lines.append(f"{count:>5}  {code}  {rule.title if rule else ''}".rstrip())
    return lines
