"""What a scenario may expect, and the comparison of expected with observed values.

Each procedure reports named observations (defined once in ``observations``).  A scenario file's
``[variant.expect]`` table names some of them with the value TensorFlow must
produce: a literal (``true``, ``0``, ``"text"``, ``["beta", "moving_mean"]``) or
a table ``{ approx = 3.0, rel = 1e-6 }``, ``{ min = 0.9 }``, ``{ max = 0.4 }``,
``{ contains = "moving_mean" }``.  No TensorFlow here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from bncheck.scenarios.observations import BOOL, LIST, NUMBER, TEXT


def check_expected_form(value: Any, kind: str) -> str | None:
    """Return a problem if ``value`` cannot be an expectation of an observation of this ``kind``."""
    if isinstance(value, dict):
        keys = set(value)
        allowed = {"approx", "rel", "abs", "min", "max"} if kind == NUMBER else {"contains"}
        if not keys or not keys <= allowed:
            return f"expected a literal or a table with keys {', '.join(sorted(allowed))}, got {sorted(keys)}"
        for key, item in value.items():
            if key == "contains":
                if not isinstance(item, str):
                    return "'contains' must be a string"
            elif not isinstance(item, (int, float)) or isinstance(item, bool):
                return f"'{key}' must be a number"
        if kind == NUMBER and not ({"approx", "min", "max"} & keys):
            return "give approx, min or max"
        return None
    expected_types = {BOOL: (bool,), NUMBER: (int, float), TEXT: (str,), LIST: (list,)}[kind]
    if not isinstance(value, expected_types) or (kind == NUMBER and isinstance(value, bool)):
        return f"expected {kind}, got {type(value).__name__}"
    if kind == LIST and not all(isinstance(item, (str, int, float)) for item in value):
        return "expected a list of names or numbers"
    if kind == NUMBER and not math.isfinite(float(value)):
        return "expected a finite number"
    return None


@dataclass(frozen=True)
class ExpectationResult:
    variant: str
    observation: str
    expected: Any
    observed: Any
    passed: bool

    def to_dict(self) -> dict:
        return {
            "variant": self.variant,
            "observation": self.observation,
            "expected": self.expected,
            "observed": self.observed,
            "passed": self.passed,
        }


def holds(expected: Any, observed: Any) -> bool:
    """Does the observed value satisfy the expectation?"""
    if observed is None:
        return False
    if isinstance(expected, dict):
        if "contains" in expected:
            if isinstance(observed, list):
                return any(expected["contains"] in str(item) for item in observed)
            return expected["contains"] in str(observed)
        value = float(observed)
        if math.isnan(value):
            return False
        if "approx" in expected:
            rel = expected.get("rel", 1e-6)
            absolute = expected.get("abs", 1e-9)
            if not math.isclose(value, expected["approx"], rel_tol=rel, abs_tol=absolute):
                return False
        if "min" in expected and value < expected["min"]:
            return False
        if "max" in expected and value > expected["max"]:
            return False
        return True
    if isinstance(expected, bool) or isinstance(observed, bool):
        return isinstance(observed, bool) and observed is expected
    if isinstance(expected, (int, float)):
        return math.isclose(float(observed), float(expected), rel_tol=1e-6, abs_tol=1e-9)
    if isinstance(expected, list):
        return sorted(map(str, expected)) == sorted(map(str, observed))
    return expected == observed


def describe_expected(expected: Any) -> str:
    if isinstance(expected, dict):
        if "contains" in expected:
            return f"contains {expected['contains']!r}"
        parts = []
        if "approx" in expected:
            parts.append(f"≈ {expected['approx']:g}")
        if "min" in expected:
            parts.append(f"≥ {expected['min']:g}")
        if "max" in expected:
            parts.append(f"≤ {expected['max']:g}")
        return ", ".join(parts)
    if isinstance(expected, bool):
        return str(expected).lower()
    return str(expected)


def evaluate(variant: str, expect: dict[str, Any], observations: dict[str, Any]) -> list[ExpectationResult]:
    return [
        ExpectationResult(
            variant, name, expected, observations.get(name), holds(expected, observations.get(name))
        )
        for name, expected in expect.items()
    ]
