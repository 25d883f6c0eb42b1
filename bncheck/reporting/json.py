"""Stable JSON for findings (lint, audit, graph, trace) and each command's own members (README schema)."""

from __future__ import annotations

import json
import math
from typing import Any, Iterable

from bncheck import __version__
from bncheck.findings import Finding, Rule, count_by_severity
from bncheck.reporting.escape import json_safe

SCHEMA_VERSION = 1


def findings_document(command: str, findings: Iterable[Finding], **extra: Any) -> dict:
    """The common document: schema version, tool, command, counts per severity, findings, then ``extra``."""
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
    """Indented JSON; strings never carry lone surrogates (names that did not decode become ``\\xNN``)."""
    return json.dumps(json_safe(document), indent=2, sort_keys=False, default=_default) + "\n"


def _default(value: Any) -> Any:
    # numpy scalars and arrays, paths: anything with a plain-Python form
    if hasattr(value, "tolist"):
        return json_safe(value.tolist())
    if hasattr(value, "__fspath__"):
        return json_safe(str(value))
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _finite_or_none(value: float) -> float | None:
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None  # JSON has no NaN


def audit_members(report: Any) -> dict:
    """``checkpoints[]`` of ``bncheck audit --format json``, in step order."""
    documents = []
    for checkpoint in report.checkpoints:
        info = checkpoint.info
        documents.append(
            {
                "path": info.path,
                "kind": info.kind,
                "step": info.step,
                "tensor_count": info.tensor_count,
                "tensors_read": info.tensors_read,
                "size_bytes": info.size_bytes,
                "layers": [
                    {
                        "name": layer.name,
                        "channels": layer.channels,
                        "status": layer.status,
                        "variables": {
                            role: {
                                "key": stats.key,
                                "min": _finite_or_none(stats.minimum),
                                "max": _finite_or_none(stats.maximum),
                                "nan": stats.nan_count,
                                "inf": stats.inf_count,
                            }
                            for role, stats in layer.tensors
                        },
                    }
                    for layer in checkpoint.layers
                ],
            }
        )
    return {"checkpoints": documents}


def graph_members(analysis: Any) -> dict:
    """``layers[]`` and ``train_ops[]`` of ``bncheck graph --format json``."""
    return {
        "layers": [
            {
                "name": layer.name,
                "api": layer.api,
                "mode": layer.mode,
                "moving_variables": list(layer.moving_variables),
                "update_ops": list(layer.update_ops),
            }
            for layer in analysis.layers
        ],
        "train_ops": [op.name for op in analysis.train_ops],
    }


def trace_members(report: Any) -> dict:
    """The ``trace`` object of ``bncheck trace --format json``."""
    return {"trace": report.to_dict()}


def rule_document(rule: Rule) -> dict:
    """One rule of ``bncheck rules --format json`` and ``bncheck explain --format json``."""
    return {
        "code": rule.code,
        "title": rule.title,
        "severity": rule.severity.label,
        "face": rule.face,
        "what": rule.what,
        "why": rule.why,
        "fix": rule.fix,
        "examples_bad": list(rule.examples_bad),
        "examples_good": list(rule.examples_good),
        "references": list(rule.references),
    }
