"""GitHub Actions workflow annotations (``::error file=...``)."""

from __future__ import annotations

from typing import Iterable

from bncheck.findings import Finding, Severity
from bncheck.reporting.escape import printable
from bncheck.reporting.sarif import result_message

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    # %, CR and LF are the workflow-command syntax; other controls (ESC) are shown escaped
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_lines(findings: Iterable[Finding]) -> list[str]:
    """One ``::error file=...,line=...::message`` command per finding; the fix is a paragraph of its own."""
    lines = []
    for finding in findings:
        properties = [f"file={_escape_property(finding.location.path)}"]
        if finding.location.line is not None:
            properties.append(f"line={finding.location.line}")
            if finding.location.column is not None:
                properties.append(f"col={finding.location.column}")
        properties.append(f"title={_escape_property(finding.code)}")
        message = _escape_data(result_message(finding))
        lines.append(f"::{_COMMAND[finding.severity]} {','.join(properties)}::{message}")
    return lines
