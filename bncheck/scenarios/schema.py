"""The vocabulary of scenario files: field specifications and the tables every procedure shares.

A procedure module (``bncheck/scenarios/procedures/``) declares its own tables and variant keys
with these; ``spec`` validates a file against them.  No TensorFlow and no numpy here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

_MISSING = object()

NUMBER = (int, float)
TEXT = (str,)
BOOL = (bool,)
INT = (int,)
LIST = (list,)
TABLE = (dict,)

# Caps on what a scenario may ask TensorFlow to build or run.  A scenario is a demonstration on
# tiny graphs; above these sizes a typo (hidden = 300000) would take gigabytes or hours.
# `bncheck run --no-size-limits` lifts them for a user who means it.
LIMITS = {
    "elements": 1_000_000,  # of one input batch or data set (rows x features)
    "units": 4_096,  # width of a dense layer
    "layers": 16,  # BN layers in one graph (trajectory momenta, towers)
    "steps": 100_000,  # train or trajectory steps
    "work": 20_000_000,  # steps x elements touched per step, summed over a table
}
LIMIT_UNITS = {"elements": "elements", "units": "units", "layers": "BN layers", "work": "element-steps"}


@dataclass(frozen=True)
class FieldSpec:
    """One key of a table: accepted types, default, and an optional check returning a problem."""

    types: tuple[type, ...]
    default: Any = _MISSING
    choices: tuple[Any, ...] | None = None
    check: Callable[[Any], str | None] | None = None
    doc: str = ""

    @property
    def required(self) -> bool:
        return self.default is _MISSING


def positive(value: Any) -> str | None:
    return None if value > 0 else "a number > 0"


def unit_interval(value: Any) -> str | None:
    return None if 0.0 <= value <= 1.0 else "a number between 0 and 1"


def int_range(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"an integer from {low} to {high}"

    return check


def shape(value: Any) -> str | None:
    if not value or not all(isinstance(dim, int) and not isinstance(dim, bool) and dim > 0 for dim in value):
        return "a list of positive integers, e.g. [8, 4, 4, 3]"
    if not 2 <= len(value) <= 4:
        return "a shape of rank 2 to 4, channels last, e.g. [8, 4, 4, 3]"
    return None


def optional_shape(value: Any) -> str | None:
    return None if value is None else shape(value)


def momentum_list(value: Any) -> str | None:
    if not value or not all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in value):
        return "a non-empty list of numbers"
    return None if all(0.0 <= item <= 1.0 for item in value) else "numbers between 0 and 1"


def elements(dims: list[int]) -> int:
    return math.prod(dims)


APIS = ("layers", "contrib", "nn", "keras", "keras_v2")

TOP_FIELDS: dict[str, FieldSpec] = {
    "name": FieldSpec(TEXT, doc="scenario name (defaults to the file name)", default=None),
    "title": FieldSpec(TEXT, doc="one-line title"),
    "pitfall": FieldSpec(TEXT, doc="the pitfall in one sentence"),
    "procedure": FieldSpec(TEXT, doc="what the engine does with the variants"),
    "references": FieldSpec(LIST, default=[], doc="issues, PRs and articles"),
}

INPUT_FIELDS: dict[str, FieldSpec] = {
    "shape": FieldSpec(LIST, default=[8, 4, 4, 3], check=shape, doc="batch shape, channels last"),
    "distribution": FieldSpec(
        TEXT, default="uniform", choices=("uniform", "normal", "constant"), doc="how the batch is drawn"
    ),
    "low": FieldSpec(NUMBER, default=0.0, doc="lower bound, for distribution = 'uniform'"),
    "high": FieldSpec(NUMBER, default=255.0, doc="upper bound, for distribution = 'uniform'"),
    "mean": FieldSpec(NUMBER, default=0.0, doc="for distribution = 'normal'"),
    "stddev": FieldSpec(NUMBER, default=1.0, check=positive, doc="for distribution = 'normal'"),
    "value": FieldSpec(NUMBER, default=1.0, doc="every element, for distribution = 'constant'"),
    "seed": FieldSpec(
        INT, default=0, check=int_range(0, 2**31 - 1), doc="seed of the batch (numpy default_rng)"
    ),
}

TRAIN_FIELDS: dict[str, FieldSpec] = {
    "steps": FieldSpec(
        INT, default=5, check=int_range(0, LIMITS["steps"]), doc="train steps (--steps sets it)"
    ),
    "optimizer": FieldSpec(
        TEXT,
        default="sgd",
        choices=("sgd", "adam", "none"),
        doc="what minimize()s the loss; none: the step only runs the layer",
    ),
    "learning_rate": FieldSpec(NUMBER, default=0.1, check=positive, doc="the optimizer's learning rate"),
}

VERDICT_FIELDS: dict[str, FieldSpec] = {
    "what": FieldSpec(TEXT, doc="what TensorFlow was seen to do"),
    "why": FieldSpec(TEXT, doc="why it does that"),
    "fix": FieldSpec(TEXT, doc="what to write instead"),
}

LABEL = FieldSpec(TEXT, doc="the variant's name; '(the bug)' or '(the fix)' in it marks its role")
ROLE = FieldSpec(
    TEXT,
    default=None,
    choices=("bug", "fix"),
    doc="what the variant shows (default: '(the bug)' / '(the fix)' in its label)",
)
EXPECT = FieldSpec(TABLE, default={}, doc="observation = expected value")
API = FieldSpec(TEXT, choices=APIS, doc="which BN implementation")
MOMENTUM = FieldSpec(
    NUMBER,
    default=None,
    check=unit_interval,
    doc="momentum (tf.layers, Keras) or decay (contrib, nn); default: the API's own",
)
UPDATES = FieldSpec(
    TEXT,
    default="none",
    choices=(
        "none",
        "control_dependencies",
        "fetch",
        "collected_too_early",
        "group",
        "in_place",
        "layer_updates",
    ),
    doc="how the moving-statistics updates are tied to the train step",
)
