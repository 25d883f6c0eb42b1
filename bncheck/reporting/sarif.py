"""SARIF 2.1.0 for lint and audit findings (GitHub code scanning and other viewers)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from bncheck import __version__
from bncheck.findings import Finding, Rule, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _artifact_uri(path: str) -> str:
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return candidate.as_uri()
    return candidate.as_posix()


def sarif_document(findings: Iterable[Finding], rules: Iterable[Rule]) -> dict:
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
        physical = {"artifactLocation": {"uri": _artifact_uri(finding.location.path)}}
        if region:
            physical["region"] = region
        location: dict = {"physicalLocation": physical}
        if finding.location.symbol:
            location["logicalLocations"] = [{"name": finding.location.symbol}]
        message = finding.message if not finding.fix else f"{finding.message} Fix: {finding.fix}"
        result = {
            "ruleId": finding.code,
            "level": _LEVEL[finding.severity],
            "message": {"text": message},
            "locations": [location],
        }
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
