"""Stable JSON for findings (lint, audit, graph, trace); schema in the README."""

from __future__ import annotations

import json
from typing import Any, Iterable

from bncheck import __version__
from bncheck.findings import Finding, count_by_severity

SCHEMA_VERSION = 1


def findings_document(command: str, findings: Iterable[Finding], **extra: Any) -> dict:
    findings = list(findings)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "bncheck", "version": __version__},
        "command": command,
        "summary": {"findings": len(findings), **count_by_severity(findings)},
        "findings": [finding.to_dict() for finding in findings],
        **extra,
    }


def dumps(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=False, default=_default) + "\n"


def _default(value: Any) -> Any:
    # numpy scalars and arrays, paths: anything with a plain-Python form
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "__fspath__"):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
