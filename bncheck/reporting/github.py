"""GitHub Actions workflow annotations (``::error file=...``)."""

from __future__ import annotations

from typing import Iterable

from bncheck.findings import Finding, Severity

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_lines(findings: Iterable[Finding]) -> list[str]:
    lines = []
    for finding in findings:
        properties = [f"file={_escape_property(finding.location.path)}"]
        if finding.location.line is not None:
            properties.append(f"line={finding.location.line}")
            if finding.location.column is not None:
                properties.append(f"col={finding.location.column}")
        properties.append(f"title={_escape_property(finding.code)}")
        message = finding.message if not finding.fix else f"{finding.message} Fix: {finding.fix}"
        lines.append(f"::{_COMMAND[finding.severity]} {','.join(properties)}::{_escape_data(message)}")
    return lines
