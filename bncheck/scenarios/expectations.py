"""What a scenario may expect, and the comparison of expected with observed values.

Each procedure reports named observations of a known kind.  A scenario file's
``[variant.expect]`` table names some of them with the value TensorFlow must
produce: a literal (``true``, ``0``, ``"text"``, ``["beta", "moving_mean"]``) or
a table ``{ approx = 3.0, rel = 1e-6 }``, ``{ min = 0.9 }``, ``{ max = 0.4 }``,
``{ contains = "moving_mean" }``.  No TensorFlow here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

BOOL, NUMBER, TEXT, LIST = "bool", "number", "text", "list"

_TRAIN_EVAL = {
    "update_ops_in_collection": (NUMBER, "ops in tf.GraphKeys.UPDATE_OPS after the graph is built"),
    "update_ops_wired": (NUMBER, "update ops the train step depends on or fetches"),
    "moving_stats_unchanged": (BOOL, "moving_mean/moving_variance still at their initial 0/1 after training"),
    "moving_mean_follows_momentum": (BOOL, "moving_mean == (1 - m^k) * batch_mean after k steps on one batch"),
    "moving_mean_equals_batch_mean": (BOOL, "moving_mean == the batch mean"),
    "moving_variance_is_unbiased": (BOOL, "moving_variance tracks the n/(n-1) (Bessel-corrected) batch variance"),
    "moving_variance_is_biased": (BOOL, "moving_variance tracks the biased (divide by n) batch variance"),
    "moving_variance_ratio": (NUMBER, "moving-variance increment / biased-variance increment (1 or n/(n-1))"),
    "test_matches_train": (BOOL, "inference-mode output == training-mode output"),
    "test_output_is_input": (BOOL, "inference-mode output == the raw input (not normalized at all)"),
    "train_output_is_beta": (BOOL, "training-mode output == beta everywhere"),
    "max_test_train_difference": (NUMBER, "max |inference output - training output|"),
    "stats_changed_by_test": (BOOL, "the inference run changed the moving statistics"),
    "has_gamma": (BOOL, "the layer has a gamma (scale) variable"),
    "has_beta": (BOOL, "the layer has a beta (offset) variable"),
    "momentum": (NUMBER, "the momentum/decay the layer was built with"),
    "fused": (BOOL, "the fused kernel was used"),
    "bn_variables": (LIST, "the layer's variables, relative to its scope"),
    "batch_variance_max": (NUMBER, "largest per-channel batch variance of the input"),
}

OBSERVATIONS: dict[str, dict[str, tuple[str, str]]] = {
    "train_eval": _TRAIN_EVAL,
    "trajectory": {
        "follows_formula": (BOOL, "every step's moving_mean == (1 - m^k) * batch_mean"),
    },
    "control_dependency_demo": {
        "sum": (NUMBER, "the value of a + b fetched once"),
        "a_after": (NUMBER, "the value of a after that run"),
    },
    "saver_roundtrip": {
        "moving_stats_saved": (BOOL, "the checkpoint holds moving_mean and moving_variance"),
        "saved_variables": (LIST, "the variables in the checkpoint"),
        "restore_failed": (BOOL, "restoring into a fresh graph raised"),
        "restore_error": (TEXT, "the error TensorFlow raised on restore, or empty"),
        "restored_output_matches": (BOOL, "the restored graph reproduces the inference output exactly"),
        "restored_moving_stats_initial": (BOOL, "after restore the moving statistics are still 0/1"),
    },
    "accuracy_gap": {
        "train_accuracy": (NUMBER, "accuracy on the training set, training-mode BN (batch statistics)"),
        "test_accuracy": (NUMBER, "accuracy on the held-out set, inference-mode BN (moving statistics)"),
        "chance": (NUMBER, "1 / number of classes"),
        "moving_stats_unchanged": (BOOL, "moving statistics still at 0/1 after training"),
    },
}


def observation_kind(procedure: str, name: str) -> str:
    return OBSERVATIONS[procedure][name][0]


def check_expected_form(value: Any, known: tuple[str, str]) -> str | None:
    """Return a problem if ``value`` cannot be an expectation of this kind of observation."""
    kind = known[0]
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
        return f"expected {kind}, got {type(value).__name__} {value!r}"
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
        ExpectationResult(variant, name, expected, observations.get(name), holds(expected, observations.get(name)))
        for name, expected in expect.items()
    ]
