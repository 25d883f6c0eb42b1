"""Scenario files: discovery, TOML parsing, ``--set`` overrides and validation.

No TensorFlow and no numpy here: ``bncheck list`` and every input error come from this module.
What a file may hold comes from the procedure registry (``bncheck/scenarios/procedures/``): the
procedure's tables, its variant keys and its observations.  A scenario file looks like::

    name = "missing-update-ops"
    title = "..."
    pitfall = "..."
    procedure = "train_eval"

    [input]            # the fixed batch fed at every step
    shape = [8, 4, 4, 3]

    [train]
    steps = 5

    [[variant]]        # one graph each, run side by side
    label = "bare minimize (the bug)"
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
import importlib.resources
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bncheck.errors import BncheckError
from bncheck.scenarios import procedures
from bncheck.scenarios.expectations import check_expected_form
from bncheck.scenarios.observations import Observation
from bncheck.scenarios.schema import LIMIT_UNITS, LIMITS, NUMBER, TOP_FIELDS, VERDICT_FIELDS, FieldSpec

MAX_FILE_BYTES = 1_000_000  # a scenario file is a few kilobytes
ROLES = ("bug", "fix")


@dataclass(frozen=True)
class Variant:
    label: str
    settings: dict[str, Any]
    expect: dict[str, Any]
    role: str | None = None  # "bug" or "fix": from the label's "(the bug)" / "(the fix)"


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
    names = {
        int: "an integer",
        float: "a number",
        str: "a string",
        bool: "true or false",
        list: "a list",
        dict: "a table",
    }
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


def _shown_value(value: Any) -> str:
    text = repr(value)
    return _show(text if len(text) <= 60 else text[:57] + "...")


def _check_table(where: str, raw: Any, fields: dict[str, FieldSpec], path: Path) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise BncheckError(f"{path}: [{where}] must be a table")
    for key in raw:
        if key not in fields:
            raise BncheckError(
                f"{path}: unknown key '{_qualified(where, key)}'{_closest(str(key), list(fields))}"
            )
    checked: dict[str, Any] = {}
    for key, spec in fields.items():
        if key not in raw:
            if spec.required:
                raise BncheckError(
                    f"{path}: missing key '{_qualified(where, key)}' ({_type_name(spec.types)})"
                )
            checked[key] = spec.default
            continue
        value = raw[key]
        ok = isinstance(value, spec.types) and not (isinstance(value, bool) and bool not in spec.types)
        if not ok:
            raise BncheckError(
                f"{path}: '{_qualified(where, key)}' must be {_type_name(spec.types)}, "
                f"got {type(value).__name__} {_shown_value(value)}"
            )
        if spec.types == NUMBER:
            value = float(value)
            if value != value or value in (float("inf"), float("-inf")):
                raise BncheckError(
                    f"{path}: '{_qualified(where, key)}' must be a finite number, got {value!r}"
                )
        if spec.choices is not None and value not in spec.choices:
            raise BncheckError(
                f"{path}: '{_qualified(where, key)}' must be one of "
                f"{', '.join(map(repr, spec.choices))}, got {_shown_value(value)}"
            )
        if spec.check is not None:
            problem = spec.check(value)
            if problem:
                raise BncheckError(
                    f"{path}: '{_qualified(where, key)}' must be {problem}, got {_shown_value(value)}"
                )
        checked[key] = value
    return checked


def _role(label: str) -> str | None:
    text = label.lower()
    if re.search(r"\bthe bug\b|\(bug\)", text):
        return "bug"
    if re.search(r"\bthe fix\b|\(fix\)|^fix\b", text):
        return "fix"
    return None


def validate(raw: dict[str, Any], path: Path, size_limits: bool = True) -> Scenario:
    """Check a parsed TOML document and fill in defaults; raise BncheckError on the first problem.

    ``size_limits`` (on unless ``bncheck run --no-size-limits``) refuses scenarios larger than
    ``schema.LIMITS``.
    """
    registry = procedures.registry()
    name_of_procedure = raw.get("procedure")
    if name_of_procedure is None:
        raise BncheckError(f"{path}: missing key 'procedure' (one of {', '.join(registry)})")
    if not isinstance(name_of_procedure, str) or name_of_procedure not in registry:
        raise BncheckError(
            f"{path}: 'procedure' must be one of {', '.join(registry)}, got {_shown_value(name_of_procedure)}"
        )
    procedure = registry[name_of_procedure]
    known = set(TOP_FIELDS) | set(procedure.tables) | {"variant", "verdict"}
    for key in raw:
        if key not in known:
            raise BncheckError(f"{path}: unknown key '{_show(key)}'{_closest(str(key), sorted(known))}")
    top = _check_table("", {k: v for k, v in raw.items() if k in TOP_FIELDS}, TOP_FIELDS, path)
    checked_tables = {}
    for name, fields in procedure.tables.items():
        if name in raw or name not in procedure.optional_tables:
            checked_tables[name] = _check_table(name, raw.get(name, {}), dict(fields), path)
    for name, observations in procedure.table_observations.items():
        if name in checked_tables:
            _check_expect(checked_tables[name].get("expect", {}), observations, f"{name}.expect", path)
    if procedure.check_tables is not None:
        problem = procedure.check_tables(checked_tables)
        if problem:
            raise BncheckError(f"{path}: {problem}")
    if "verdict" not in raw:
        raise BncheckError(f"{path}: missing table [verdict] with keys what, why, fix")
    verdict = _check_table("verdict", raw["verdict"], VERDICT_FIELDS, path)
    raw_variants = raw.get("variant")
    if not isinstance(raw_variants, list) or not raw_variants:
        raise BncheckError(f"{path}: needs at least one [[variant]] table")
    if len(raw_variants) > 32:
        raise BncheckError(f"{path}: {len(raw_variants)} variants; a scenario has at most 32")
    variants = []
    labels: set[str] = set()
    for position, raw_variant in enumerate(raw_variants, start=1):
        settings = _check_table(f"variant.{position}", raw_variant, dict(procedure.variant_fields), path)
        if settings["label"] in labels:
            raise BncheckError(f"{path}: variant {position}: label {settings['label']!r} is used twice")
        labels.add(settings["label"])
        expect = settings.pop("expect")
        _check_expect(expect, procedure.observations, f"variant.{position}.expect", path)
        if procedure.check_variant is not None:
            problem = procedure.check_variant(settings)
            if problem:
                raise BncheckError(f"{path}: variant {position} ({settings['label']!r}): {problem}")
        role = settings.pop("role", None) or _role(settings["label"])
        variants.append(Variant(settings["label"], settings, dict(expect), role))
    if size_limits and procedure.sizes is not None:
        _check_sizes(procedure.sizes(checked_tables, [variant.settings for variant in variants]), path)
    return Scenario(
        name=top["name"] or Path(path.name).stem,
        title=top["title"],
        pitfall=top["pitfall"],
        procedure=procedure.name,
        path=path,
        tables=checked_tables,
        variants=tuple(variants),
        verdict=verdict,
        references=tuple(str(reference) for reference in top["references"]),
    )


def _check_sizes(sizes: list[tuple[str, int, str]], path: Path) -> None:
    """``sizes``: (the key that asks, how much, which limit); the first one over its limit is the error."""
    for key, amount, limit in sizes:
        if amount > LIMITS[limit]:
            raise BncheckError(
                f"{path}: '{key}' asks for {amount:,} {LIMIT_UNITS[limit]}; the limit is {LIMITS[limit]:,} "
                "(bncheck run --no-size-limits lifts it)"
            )


def _check_expect(expect: Any, observations: tuple[Observation, ...], where: str, path: Path) -> None:
    if not isinstance(expect, dict):
        raise BncheckError(f"{path}: [{where}] must be a table")
    known = {observation.name: observation for observation in observations}
    for key, value in expect.items():
        if key not in known:
            raise BncheckError(
                f"{path}: unknown observation '{where}.{_show(key)}'{_closest(str(key), list(known))}"
            )
        problem = check_expected_form(value, known[key].kind)
        if problem:
            raise BncheckError(f"{path}: '{where}.{_show(key)}': {problem}")


# ---------------------------------------------------------------- discovery


def builtin_files() -> dict[str, Any]:
    """The built-in scenario files (package data), by name: paths, or zip entries in a zipped install."""
    folder = importlib.resources.files("bncheck.scenarios") / "builtin"
    if not folder.is_dir():
        return {}
    entries = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".toml")), key=lambda e: e.name
    )
    return {
        entry.name.removesuffix(".toml"): (Path(str(entry)) if isinstance(entry, Path) else entry)
        for entry in entries
    }


def read_toml(path: Any) -> dict[str, Any]:
    if isinstance(path, Path):
        try:
            special = path.exists() and not path.is_file() and not path.is_dir()
        except OSError:
            special = False  # read_bytes() below reports it
        if special:
            # reading a named pipe or a device (/dev/zero) could block or never end
            raise BncheckError(f"{path}: not a regular file (a named pipe, socket or device)")
        try:
            if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
                raise BncheckError(
                    f"{path}: {path.stat().st_size:,} bytes; a scenario file is at most {MAX_FILE_BYTES:,}"
                )
        except OSError:
            pass  # read_bytes() below reports it
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
    except RecursionError:  # tomllib recurses once per level of nested arrays and inline tables
        raise BncheckError(f"{path}: arrays or tables nested too deeply for a scenario file") from None


def resolve(reference: str) -> Any:
    """A scenario name (built-in) or a path to a .toml file."""
    candidate = Path(reference)
    if reference.endswith(".toml") or candidate.exists() or "/" in reference:
        return candidate
    files = builtin_files()
    if reference in files:
        return files[reference]
    close = difflib.get_close_matches(reference, list(files), n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else "; `bncheck list` shows the scenarios"
    raise BncheckError(f"unknown scenario '{_show(reference)}'{hint}")


def parse_override(text: str) -> tuple[str, Any]:
    """``key=value`` with a TOML value (``3``, ``[1, 4, 4, 3]``, ``"adam"``); a bare word is a string."""
    if "=" not in text:
        raise BncheckError(f"--set {_show(text)!r}: expected KEY=VALUE, e.g. --set train.steps=10")
    key, _, literal = text.partition("=")
    key, literal = key.strip(), literal.strip()
    if not key:
        raise BncheckError(f"--set {_show(text)!r}: the key is empty")
    try:
        value = tomllib.loads(f"v = {literal}")["v"]
    except tomllib.TOMLDecodeError:
        value = literal  # a bare word such as `adam`
    except RecursionError:
        raise BncheckError(f"--set {_show(key)}: the value is nested too deeply") from None
    return key, value


def procedure_of(raw: dict[str, Any]) -> procedures.Procedure | None:
    """The document's procedure when it is a known one, else None (validation explains)."""
    name = raw.get("procedure")
    registry = procedures.registry()
    return registry[name] if isinstance(name, str) and name in registry else None


def apply_overrides(raw: dict[str, Any], overrides: list[tuple[str, Any]], path: Any) -> dict[str, Any]:
    """Apply ``--set`` overrides to a parsed document; unknown keys are errors.

    ``train.steps=10`` sets a table key; ``variant.momentum=0.5`` sets it on every
    variant; ``variant.2.momentum=0.5`` on the second only; ``title=...`` a top key.
    """
    procedure = procedure_of(raw)
    if procedure is None:
        return raw  # validation reports the real problem
    tables, variant_fields = procedure.tables, procedure.variant_fields
    document = {key: (dict(value) if isinstance(value, dict) else value) for key, value in raw.items()}
    if isinstance(document.get("variant"), list):
        document["variant"] = [
            dict(variant) if isinstance(variant, dict) else variant for variant in document["variant"]
        ]
    for key, value in overrides:
        parts = key.split(".")
        if parts[0] == "variant":
            variants = document.get("variant") or []
            if len(parts) == 3 and parts[1].isdigit():
                index = int(parts[1])
                if not 1 <= index <= len(variants):
                    raise BncheckError(
                        f"--set {key}: {path.name} has {len(variants)} variant(s), numbered from 1"
                    )
                targets, name = [variants[index - 1]], parts[2]
            elif len(parts) == 2:
                targets, name = variants, parts[1]
            else:
                raise BncheckError(f"--set {key}: expected variant.KEY or variant.N.KEY")
            if name not in variant_fields or name == "expect":
                keys = [k for k in variant_fields if k != "expect"]
                raise BncheckError(f"--set {key}: unknown variant key '{name}'{_closest(name, keys)}")
            for target in targets:
                if isinstance(target, dict):
                    target[name] = value
        elif len(parts) == 2:
            table, name = parts
            if table not in tables:
                raise BncheckError(
                    f"--set {key}: unknown table '{table}' for a {procedure.name} scenario"
                    f"{_closest(table, list(tables) + ['variant'])}"
                )
            if name not in tables[table]:
                raise BncheckError(
                    f"--set {key}: unknown key '{name}' in [{table}]{_closest(name, list(tables[table]))}"
                )
            current = document.get(table)
            document[table] = dict(current if isinstance(current, dict) else {}, **{name: value})
        elif len(parts) == 1 and parts[0] in ("title", "pitfall"):
            document[parts[0]] = value
        else:
            known = [f"{table}.KEY" for table in tables] + ["variant.KEY", "variant.N.KEY"]
            raise BncheckError(f"--set {key}: unknown key (expected one of {', '.join(known)})")
    return document


def load(
    reference: Any, overrides: list[tuple[str, Any]] | None = None, size_limits: bool = True
) -> Scenario:
    """A scenario by name or path (or a built-in file's entry), with ``--set`` overrides applied."""
    path = resolve(reference) if isinstance(reference, str) else reference
    raw = read_toml(path)
    if overrides:
        raw = apply_overrides(raw, overrides, path)
    return validate(raw, path, size_limits)


def load_all() -> list[Scenario]:
    return [load(entry) for entry in builtin_files().values()]
