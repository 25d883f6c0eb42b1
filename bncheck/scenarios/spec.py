"""Scenario files: discovery, TOML parsing, ``--set`` overrides and validation.

No TensorFlow here: ``bncheck list`` and every input error come from this module.
A scenario file looks like::

    name = "missing-update-ops"
    title = "..."
    pitfall = "..."
    procedure = "train_eval"

    [input]            # the fixed batch fed at every step
    shape = [8, 4, 4, 3]
    distribution = "uniform"

    [train]
    steps = 5

    [[variant]]        # one graph each, run side by side
    label = "bare minimize"
    api = "layers"
    updates = "none"
    [variant.expect]   # what TensorFlow must be seen to do
    moving_stats_unchanged = true

    [verdict]
    what = "..."
    why = "..."
    fix = "..."
"""

from __future__ import annotations

import difflib
import math
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from bncheck.errors import BncheckError

_MISSING = object()


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


def _positive(value: Any) -> str | None:
    return None if value > 0 else "a number > 0"


def _non_negative(value: Any) -> str | None:
    return None if value >= 0 else "an integer >= 0"


def _unit_interval(value: Any) -> str | None:
    return None if 0.0 <= value <= 1.0 else "a number between 0 and 1"


def _shape(value: Any) -> str | None:
    if not value or not all(isinstance(dim, int) and not isinstance(dim, bool) and dim > 0 for dim in value):
        return "a list of positive integers, e.g. [8, 4, 4, 3]"
    if not 2 <= len(value) <= 4:
        return "a shape of rank 2 to 4, channels last, e.g. [8, 4, 4, 3]"
    if math.prod(value) > 4_000_000:
        return "a shape of at most 4,000,000 elements"
    return None


def _momentum_list(value: Any) -> str | None:
    if not value or not all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in value):
        return "a non-empty list of numbers"
    return None if all(0.0 <= item <= 1.0 for item in value) else "numbers between 0 and 1"


NUMBER = (int, float)
TEXT = (str,)
BOOL = (bool,)
INT = (int,)
LIST = (list,)

TOP_FIELDS: dict[str, FieldSpec] = {
    "name": FieldSpec(TEXT, doc="scenario name (defaults to the file name)", default=None),
    "title": FieldSpec(TEXT, doc="one-line title"),
    "pitfall": FieldSpec(TEXT, doc="the pitfall in one sentence"),
    "procedure": FieldSpec(
        TEXT, choices=("train_eval", "control_dependency_demo", "saver_roundtrip", "accuracy_gap"),
        doc="what the engine does with the variants",
    ),
    "references": FieldSpec(LIST, default=[], doc="issues, PRs and articles"),
}

INPUT_FIELDS: dict[str, FieldSpec] = {
    "shape": FieldSpec(LIST, default=[8, 4, 4, 3], check=_shape, doc="batch shape, channels last"),
    "distribution": FieldSpec(TEXT, default="uniform", choices=("uniform", "normal", "constant")),
    "low": FieldSpec(NUMBER, default=0.0),
    "high": FieldSpec(NUMBER, default=255.0),
    "mean": FieldSpec(NUMBER, default=0.0),
    "stddev": FieldSpec(NUMBER, default=1.0, check=_positive),
    "value": FieldSpec(NUMBER, default=1.0, doc="every element, for distribution = 'constant'"),
    "seed": FieldSpec(INT, default=0),
}

TRAIN_FIELDS: dict[str, FieldSpec] = {
    "steps": FieldSpec(INT, default=5, check=lambda v: None if 0 <= v <= 100_000 else "an integer from 0 to 100000"),
    "optimizer": FieldSpec(TEXT, default="sgd", choices=("sgd", "adam", "none")),
    "learning_rate": FieldSpec(NUMBER, default=0.1, check=_positive),
}

DATA_FIELDS: dict[str, FieldSpec] = {
    "classes": FieldSpec(INT, default=4, check=lambda v: None if 2 <= v <= 100 else "an integer from 2 to 100"),
    "features": FieldSpec(INT, default=16, check=lambda v: None if 2 <= v <= 4096 else "an integer from 2 to 4096"),
    "train_size": FieldSpec(INT, default=512, check=lambda v: None if 8 <= v <= 200_000 else "8 to 200000"),
    "test_size": FieldSpec(INT, default=512, check=lambda v: None if 8 <= v <= 200_000 else "8 to 200000"),
    "batch_size": FieldSpec(INT, default=64, check=_positive),
    "offset": FieldSpec(NUMBER, default=128.0, doc="mean of every feature (raw pixels sit near 128)"),
    "separation": FieldSpec(NUMBER, default=40.0, doc="how far class means lie from the offset"),
    "noise": FieldSpec(NUMBER, default=20.0, check=_positive),
    "hidden": FieldSpec(INT, default=32, check=_positive),
    "seed": FieldSpec(INT, default=0),
}

TRAJECTORY_FIELDS: dict[str, FieldSpec] = {
    "momentum": FieldSpec(LIST, default=[0.9, 0.99, 0.999], check=_momentum_list),
    "steps": FieldSpec(INT, default=300, check=lambda v: None if 1 <= v <= 100_000 else "1 to 100000"),
    "api": FieldSpec(TEXT, default="layers", choices=("layers", "contrib", "nn", "keras")),
    "expect": FieldSpec((dict,), default={}),
}

VERDICT_FIELDS: dict[str, FieldSpec] = {
    "what": FieldSpec(TEXT),
    "why": FieldSpec(TEXT),
    "fix": FieldSpec(TEXT),
}

BN_VARIANT_FIELDS: dict[str, FieldSpec] = {
    "label": FieldSpec(TEXT),
    "api": FieldSpec(TEXT, choices=("layers", "contrib", "nn", "keras")),
    "momentum": FieldSpec(
        NUMBER, default=None, check=_unit_interval,
        doc="momentum (tf.layers, Keras) or decay (contrib, nn); default: the API's own",
    ),
    "epsilon": FieldSpec(NUMBER, default=1e-3, check=_positive),
    "fused": FieldSpec(BOOL, default=None, doc="fused kernel; default: the API's own"),
    "center": FieldSpec(BOOL, default=True),
    "scale": FieldSpec(BOOL, default=None, doc="gamma; default: the API's own (contrib: false)"),
    "updates": FieldSpec(
        TEXT, default="none",
        choices=("none", "control_dependencies", "fetch", "collected_too_early", "group", "in_place", "layer_updates"),
        doc="how the moving-statistics updates are tied to the train step",
    ),
    "training": FieldSpec(TEXT, default="placeholder", choices=("placeholder", "true", "false"),
                          doc="what the layer's training argument is"),
    "expect": FieldSpec((dict,), default={}),
}

SAVER_VARIANT_FIELDS: dict[str, FieldSpec] = {
    "label": FieldSpec(TEXT),
    "api": FieldSpec(TEXT, default="layers", choices=("layers", "contrib", "nn", "keras")),
    "momentum": BN_VARIANT_FIELDS["momentum"],
    "var_list": FieldSpec(TEXT, choices=("trainable", "global", "trainable_and_moving"),
                          doc="what the Saver that writes the checkpoint is given"),
    "restore": FieldSpec(TEXT, default="all", choices=("all", "same"),
                         doc="restore every global variable (a fresh eval script) or with the same var_list"),
    "expect": FieldSpec((dict,), default={}),
}

DEMO_VARIANT_FIELDS: dict[str, FieldSpec] = {
    "label": FieldSpec(TEXT),
    "a": FieldSpec(NUMBER, default=1.0),
    "b": FieldSpec(NUMBER, default=2.0),
    "assign_value": FieldSpec(NUMBER, default=10.0),
    "control_dependency": FieldSpec(BOOL),
    "expect": FieldSpec((dict,), default={}),
}

ACCURACY_VARIANT_FIELDS: dict[str, FieldSpec] = {
    "label": FieldSpec(TEXT),
    "api": FieldSpec(TEXT, default="layers", choices=("layers", "contrib", "nn", "keras")),
    "momentum": BN_VARIANT_FIELDS["momentum"],
    "updates": BN_VARIANT_FIELDS["updates"],
    "expect": FieldSpec((dict,), default={}),
}

# procedure -> (tables it accepts, its variant fields)
PROCEDURES: dict[str, tuple[dict[str, dict[str, FieldSpec]], dict[str, FieldSpec]]] = {
    "train_eval": (
        {"input": INPUT_FIELDS, "train": TRAIN_FIELDS, "trajectory": TRAJECTORY_FIELDS},
        BN_VARIANT_FIELDS,
    ),
    "control_dependency_demo": ({}, DEMO_VARIANT_FIELDS),
    "saver_roundtrip": ({"input": INPUT_FIELDS, "train": TRAIN_FIELDS}, SAVER_VARIANT_FIELDS),
    "accuracy_gap": ({"data": DATA_FIELDS, "train": TRAIN_FIELDS}, ACCURACY_VARIANT_FIELDS),
}

OPTIONAL_TABLES = {"trajectory"}


@dataclass(frozen=True)
class Variant:
    label: str
    settings: dict[str, Any]
    expect: dict[str, Any]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario file: every table filled with defaults."""

    name: str
    title: str
    pitfall: str
    procedure: str
    path: Path
    tables: dict[str, dict[str, Any]]
    variants: tuple[Variant, ...]
    verdict: dict[str, str]
    references: tuple[str, ...] = field(default=())

    def table(self, name: str) -> dict[str, Any]:
        return self.tables.get(name, {})


def _type_name(types: tuple[type, ...]) -> str:
    names = {int: "an integer", float: "a number", str: "a string", bool: "true or false",
             list: "a list", dict: "a table"}
    if types == NUMBER:
        return "a number"
    return " or ".join(names.get(kind, kind.__name__) for kind in types)


def _show(key: object) -> str:
    """A key as it can be printed on one line (TOML keys may hold any character)."""
    return str(key).encode("unicode_escape").decode("ascii")


def _qualified(where: str, key: object) -> str:
    return f"{where}.{_show(key)}" if where else _show(key)


def _closest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(sorted(known))})"


def _check_table(where: str, raw: Any, fields: dict[str, FieldSpec], path: Path) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise BncheckError(f"{path}: [{where}] must be a table")
    for key in raw:
        if key not in fields:
            raise BncheckError(f"{path}: unknown key '{_qualified(where, key)}'{_closest(key, list(fields))}")
    checked: dict[str, Any] = {}
    for key, spec in fields.items():
        if key not in raw:
            if spec.required:
                raise BncheckError(f"{path}: missing key '{_qualified(where, key)}' ({_type_name(spec.types)})")
            checked[key] = spec.default
            continue
        value = raw[key]
        ok = isinstance(value, spec.types) and not (isinstance(value, bool) and bool not in spec.types)
        if not ok:
            raise BncheckError(
                f"{path}: '{_qualified(where, key)}' must be {_type_name(spec.types)}, got {type(value).__name__} {value!r}"
            )
        if spec.types == NUMBER:
            value = float(value)
        if spec.choices is not None and value not in spec.choices:
            raise BncheckError(
                f"{path}: '{_qualified(where, key)}' must be one of {', '.join(map(repr, spec.choices))}, got {value!r}"
            )
        if spec.check is not None:
            problem = spec.check(value)
            if problem:
                raise BncheckError(f"{path}: '{_qualified(where, key)}' must be {problem}, got {value!r}")
        checked[key] = value
    return checked


def validate(raw: dict[str, Any], path: Path) -> Scenario:
    """Check a parsed TOML document and fill in defaults; raise BncheckError on the first problem."""
    procedure = raw.get("procedure")
    if procedure is None:
        raise BncheckError(f"{path}: missing key 'procedure' (one of {', '.join(PROCEDURES)})")
    if not isinstance(procedure, str) or procedure not in PROCEDURES:
        raise BncheckError(f"{path}: 'procedure' must be one of {', '.join(PROCEDURES)}, got {procedure!r}")
    tables, variant_fields = PROCEDURES[procedure]
    known = set(TOP_FIELDS) | set(tables) | {"variant", "verdict"}
    for key in raw:
        if key not in known:
            raise BncheckError(f"{path}: unknown key '{_show(key)}'{_closest(key, sorted(known))}")
    top = _check_table("", {k: v for k, v in raw.items() if k in TOP_FIELDS}, TOP_FIELDS, path)
    checked_tables = {}
    for name, fields in tables.items():
        if name in raw or name not in OPTIONAL_TABLES:
            checked_tables[name] = _check_table(name, raw.get(name, {}), fields, path)
    inputs = checked_tables.get("input")
    if inputs and inputs["distribution"] == "uniform" and inputs["high"] <= inputs["low"]:
        raise BncheckError(f"{path}: 'input.high' ({inputs['high']:g}) must be greater than 'input.low' ({inputs['low']:g})")
    if "verdict" not in raw:
        raise BncheckError(f"{path}: missing table [verdict] with keys what, why, fix")
    verdict = _check_table("verdict", raw["verdict"], VERDICT_FIELDS, path)
    raw_variants = raw.get("variant")
    if not isinstance(raw_variants, list) or not raw_variants:
        raise BncheckError(f"{path}: needs at least one [[variant]] table")
    variants = []
    labels: set[str] = set()
    for position, raw_variant in enumerate(raw_variants, start=1):
        settings = _check_table(f"variant.{position}", raw_variant, variant_fields, path)
        if settings["label"] in labels:
            raise BncheckError(f"{path}: variant {position}: label {settings['label']!r} is used twice")
        labels.add(settings["label"])
        expect = settings.pop("expect")
        _check_expect(expect, procedure, f"variant.{position}.expect", path)
        _check_combination(settings, procedure, position, path)
        variants.append(Variant(settings["label"], settings, dict(expect)))
    name = top["name"] or path.stem
    if "trajectory" in checked_tables:
        _check_expect(checked_tables["trajectory"]["expect"], "trajectory", "trajectory.expect", path)
    return Scenario(
        name=name,
        title=top["title"],
        pitfall=top["pitfall"],
        procedure=procedure,
        path=path,
        tables=checked_tables,
        variants=tuple(variants),
        verdict=verdict,
        references=tuple(str(reference) for reference in top["references"]),
    )


def _check_combination(settings: dict[str, Any], procedure: str, position: int, path: Path) -> None:
    where = f"{path}: variant {position} ({settings['label']!r})"
    api = settings.get("api")
    updates = settings.get("updates")
    if updates == "in_place" and api not in ("contrib", "nn"):
        raise BncheckError(f"{where}: updates = 'in_place' needs api = 'contrib' or 'nn' (they update in place)")
    if updates == "layer_updates" and api != "keras":
        raise BncheckError(f"{where}: updates = 'layer_updates' needs api = 'keras' (only Keras keeps them on the layer)")
    if api == "nn" and updates not in (None, "none", "in_place"):
        raise BncheckError(f"{where}: api = 'nn' takes updates = 'in_place' (the wrapper's control dependencies) or 'none'")
    if settings.get("fused") and api == "nn":
        raise BncheckError(f"{where}: fused = true is not available for api = 'nn' (tf.nn.batch_normalization)")


def _check_expect(expect: Any, procedure: str, where: str, path: Path) -> None:
    from bncheck.scenarios.expectations import OBSERVATIONS, check_expected_form  # no TensorFlow there

    if not isinstance(expect, dict):
        raise BncheckError(f"{path}: [{where}] must be a table")
    known = OBSERVATIONS[procedure]
    for key, value in expect.items():
        if key not in known:
            raise BncheckError(f"{path}: unknown observation '{where}.{_show(key)}'{_closest(key, list(known))}")
        problem = check_expected_form(value, known[key])
        if problem:
            raise BncheckError(f"{path}: '{where}.{_show(key)}': {problem}")


# ---------------------------------------------------------------- discovery

def builtin_dirs() -> list[Path]:
    """Where the built-in scenario files are: the source tree, then the installed data files."""
    package_root = Path(__file__).resolve().parent.parent.parent
    candidates = [package_root / "scenarios", Path(sys.prefix) / "share" / "bncheck" / "scenarios"]
    return [candidate for candidate in candidates if candidate.is_dir() and any(candidate.glob("*.toml"))]


def builtin_files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for directory in builtin_dirs():
        for file in sorted(directory.glob("*.toml")):
            files.setdefault(file.stem, file)
    return files


def read_toml(path: Path) -> dict[str, Any]:
    try:
        special = path.exists() and not path.is_file() and not path.is_dir()
    except OSError:
        special = False  # read_bytes() below reports it
    if special:
        # reading a named pipe or a device (/dev/zero) could block or never end
        raise BncheckError(f"{path}: not a regular file (a named pipe, socket or device)")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BncheckError(f"{path}: no such scenario file") from None
    except IsADirectoryError:
        raise BncheckError(f"{path}: is a directory, expected a scenario .toml file") from None
    except OSError as error:
        raise BncheckError(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BncheckError(f"{path}: not UTF-8 text (byte {error.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BncheckError(f"{path}: malformed TOML: {error}") from None


def resolve(reference: str) -> Path:
    """A scenario name (built-in) or a path to a .toml file."""
    candidate = Path(reference)
    if reference.endswith(".toml") or candidate.exists() or "/" in reference:
        return candidate
    files = builtin_files()
    if reference in files:
        return files[reference]
    close = difflib.get_close_matches(reference, list(files), n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else "; `bncheck list` shows the scenarios"
    raise BncheckError(f"unknown scenario '{reference}'{hint}")


def parse_override(text: str) -> tuple[str, Any]:
    """``key=value`` with a TOML value (``3``, ``0.5``, ``true``, ``[1, 4, 4, 3]``, ``"adam"``; bare words are strings)."""
    if "=" not in text:
        raise BncheckError(f"--set {text!r}: expected KEY=VALUE, e.g. --set train.steps=10")
    key, _, literal = text.partition("=")
    key, literal = key.strip(), literal.strip()
    if not key:
        raise BncheckError(f"--set {text!r}: the key is empty")
    try:
        value = tomllib.loads(f"v = {literal}")["v"]
    except tomllib.TOMLDecodeError:
        value = literal  # a bare word such as `adam`
    return key, value


def procedure_of(raw: dict[str, Any]) -> str | None:
    """The document's procedure when it is a known one, else None (validation explains)."""
    procedure = raw.get("procedure")
    return procedure if isinstance(procedure, str) and procedure in PROCEDURES else None


def apply_overrides(raw: dict[str, Any], overrides: list[tuple[str, Any]], path: Path) -> dict[str, Any]:
    """Apply ``--set`` overrides to a parsed document; unknown keys are errors.

    ``train.steps=10`` sets a table key; ``variant.momentum=0.5`` sets it on every
    variant; ``variant.2.momentum=0.5`` on the second only; ``title=...`` a top key.
    """
    procedure = procedure_of(raw)
    if procedure is None:
        return raw  # validation reports the real problem
    tables, variant_fields = PROCEDURES[procedure]
    document = {key: (dict(value) if isinstance(value, dict) else value) for key, value in raw.items()}
    if isinstance(document.get("variant"), list):
        document["variant"] = [dict(variant) for variant in document["variant"]]
    for key, value in overrides:
        parts = key.split(".")
        if parts[0] == "variant":
            variants = document.get("variant") or []
            if len(parts) == 3 and parts[1].isdigit():
                index = int(parts[1])
                if not 1 <= index <= len(variants):
                    raise BncheckError(f"--set {key}: {path.name} has {len(variants)} variant(s), numbered from 1")
                targets, name = [variants[index - 1]], parts[2]
            elif len(parts) == 2:
                targets, name = variants, parts[1]
            else:
                raise BncheckError(f"--set {key}: expected variant.KEY or variant.N.KEY")
            if name not in variant_fields or name == "expect":
                raise BncheckError(f"--set {key}: unknown variant key '{name}'{_closest(name, [k for k in variant_fields if k != 'expect'])}")
            for target in targets:
                target[name] = value
        elif len(parts) == 2:
            table, name = parts
            if table not in tables:
                raise BncheckError(f"--set {key}: unknown table '{table}' for a {procedure} scenario{_closest(table, list(tables) + ['variant'])}")
            if name not in tables[table]:
                raise BncheckError(f"--set {key}: unknown key '{name}' in [{table}]{_closest(name, list(tables[table]))}")
            document.setdefault(table, {})
            document[table] = dict(document[table], **{name: value})
        elif len(parts) == 1 and parts[0] in ("title", "pitfall"):
            document[parts[0]] = value
        else:
            known = [f"{table}.KEY" for table in tables] + ["variant.KEY", "variant.N.KEY"]
            raise BncheckError(f"--set {key}: unknown key (expected one of {', '.join(known)})")
    return document


def load(reference: str, overrides: list[tuple[str, Any]] | None = None) -> Scenario:
    path = resolve(reference)
    raw = read_toml(path)
    if overrides:
        raw = apply_overrides(raw, overrides, path)
    return validate(raw, path)


def load_all() -> list[Scenario]:
    return [load(str(path)) for path in builtin_files().values()]
