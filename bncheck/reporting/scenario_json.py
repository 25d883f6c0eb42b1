"""The JSON document of `bncheck run --format json` (schema in the README)."""

from __future__ import annotations

from bncheck import __version__
from bncheck.scenarios.results import ScenarioResult

SCHEMA_VERSION = 1


def scenarios_document(results: list[ScenarioResult], device) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "bncheck", "version": __version__},
        "command": "run",
        "device": {"requested": device.requested, "used": device.description},
        "passed": all(result.passed for result in results),
        "summary": {
            "scenarios": len(results),
            "passed": sum(result.passed for result in results),
            "failed": sum(not result.passed for result in results),
        },
        "scenarios": [result.to_dict() for result in results],
    }
