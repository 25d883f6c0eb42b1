"""SARIF 2.1.0 for the findings of every command (GitHub code scanning and other viewers)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable
from urllib.parse import quote

from bncheck import __version__
from bncheck.findings import Finding, Rule, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _quote(path: str) -> str:
    # the path's own bytes, percent-encoded: a name that did not decode keeps its bytes (%FF)
    return quote(os.fsencode(path), safe="/")


def artifact_uri(path: str) -> str:
    """A URI reference (RFC 3986) for ``path``: relative to the current folder when under it."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return _quote(candidate.relative_to(Path.cwd()).as_posix())
        except ValueError:
            return "file://" + _quote(candidate.as_posix())
    return _quote(candidate.as_posix())


def result_message(finding: Finding) -> str:
    """The finding's message, then its fix as a paragraph of its own."""
    return finding.message if not finding.fix else f"{finding.message}\n\nFix: {finding.fix}"


def sarif_document(findings: Iterable[Finding], rules: Iterable[Rule]) -> dict:
    """A SARIF log of one run; ``rules`` are those of the command's face, found or not."""
    findings = list(findings)
    rules = sorted({rule.code: rule for rule in rules}.values(), key=lambda rule: rule.code)
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = []
    for finding in findings:
        region = {}
        if finding.location.line is not None:
            region["startLine"] = max(1, finding.location.line)
            if finding.location.column is not None:
                region["startColumn"] = max(1, finding.location.column)
        physical = {"artifactLocation": {"uri": artifact_uri(finding.location.path)}}
        if region:
            physical["region"] = region
        location: dict = {"physicalLocation": physical}
        if finding.location.symbol:
            location["logicalLocations"] = [{"name": finding.location.symbol}]
        result = {
            "ruleId": finding.code,
            "level": _LEVEL[finding.severity],
            "message": {"text": result_message(finding)},
            "locations": [location],
        }
        if finding.fix:
            result["properties"] = {"fix": finding.fix}
        if finding.code in index:
            result["ruleIndex"] = index[finding.code]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "bncheck",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/bncheck/",
                        "rules": [
                            {
                                "id": rule.code,
                                "name": rule.title,
                                "shortDescription": {"text": rule.title},
                                "fullDescription": {"text": rule.what},
                                "help": {"text": f"{rule.why}\n\nFix: {rule.fix}"},
                                "defaultConfiguration": {"level": _LEVEL[rule.severity]},
                            }
                            for rule in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
