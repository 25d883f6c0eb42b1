"""Plain-text lint output: ``path:line:col: CODE message``, flake8/ruff style, and statistics."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from bncheck.findings import Finding, get_rule


def finding_lines(findings: Iterable[Finding]) -> list[str]:
    """One line per finding, in the format editors and CI log parsers understand."""
    return [
        f"{f.location.path}:{f.location.line or 1}:{f.location.column or 1}: {f.code} {f.message}"
        for f in findings
    ]


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
