"""Robustness of `bncheck run`: mutated scenario files never crash it.

Property: whatever the file holds, validation either accepts it or raises
BncheckError with one line naming the file; an accepted scenario either runs
(exit 0 or 1) or is rejected with one line on stderr (exit 2), never a traceback.
"""

from __future__ import annotations

import copy
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bncheck.errors import BncheckError
from bncheck.scenarios import spec
from tests.helpers_cli import run_cli

BUILTIN = {name: path.read_text() for name, path in spec.builtin_files().items()}
TRIED = {"text": 0, "structure": 0, "executed": 0}

scalars = st.one_of(
    st.booleans(), st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _validate_only(raw, path) -> None:
    try:
        spec.validate(raw, path)
    except BncheckError as error:
        message = str(error)
        assert "\n" not in message and str(path) in message or message.startswith("input."), message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(BUILTIN)), data=st.data())
def test_byte_mutated_scenario_text_is_accepted_or_one_line_error(tmp_path_factory, name, data):
    text = bytearray(BUILTIN[name].encode())
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text) - 1))
        action = data.draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if action == "flip":
            text[position] ^= 1 << data.draw(st.integers(0, 7))
        elif action == "delete":
            del text[position:position + data.draw(st.integers(1, 20))]
        elif action == "insert":
            text[position:position] = data.draw(st.binary(min_size=1, max_size=8))
        else:
            del text[position:]
        if not text:
            text = bytearray(b"x")
    TRIED["text"] += 1
    path = tmp_path_factory.mktemp("mutated") / f"{name}.toml"
    path.write_bytes(bytes(text))
    try:
        raw = spec.read_toml(path)
    except BncheckError as error:
        assert "\n" not in str(error) and str(path) in str(error)
        return
    _validate_only(raw, path)


@settings(max_examples=400, deadline=None)
@given(name=st.sampled_from(sorted(BUILTIN)), data=st.data())
def test_structurally_mutated_scenarios_validate_or_fail_cleanly(tmp_path_factory, name, data):
    raw = tomllib.loads(BUILTIN[name])
    for _ in range(data.draw(st.integers(1, 3))):
        variants = raw.get("variant") if isinstance(raw.get("variant"), list) else []
        tables = [raw] + [value for value in raw.values() if isinstance(value, dict)] + \
            [variant for variant in variants if isinstance(variant, dict)]
        target = data.draw(st.sampled_from(tables))
        keys = sorted(target)
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace" and keys:
            target[data.draw(st.sampled_from(keys))] = data.draw(values)
        elif action == "delete" and keys:
            del target[data.draw(st.sampled_from(keys))]
        else:
            target[data.draw(st.text(min_size=1, max_size=10))] = data.draw(values)
    TRIED["structure"] += 1
    _validate_only(raw, spec.builtin_files()[name])


# A few structurally valid but unusual scenarios run for real through the CLI.
RUNNABLE_MUTATIONS = [
    ("missing-update-ops", {"input": {"shape": [2, 3]}}),
    ("missing-update-ops", {"input": {"shape": [1, 1, 1, 1]}}),
    ("missing-update-ops", {"input": {"distribution": "constant", "value": 0.0}}),
    ("missing-update-ops", {"train": {"steps": 0}}),
    ("missing-update-ops", {"train": {"optimizer": "adam", "learning_rate": 1e6}}),
    ("missing-update-ops", {"variant": [{"label": "k", "api": "keras", "fused": True}]}),
    (
        "missing-update-ops",
        {"variant": [{"label": "f", "api": "layers", "fused": True}], "input": {"shape": [4, 3]}},
    ),
    ("missing-update-ops", {"variant": [{"label": "c", "api": "contrib", "center": False, "scale": False}]}),
    (
        "missing-update-ops",
        {"variant": [{"label": "n", "api": "nn", "updates": "in_place", "momentum": 1.0}]},
    ),
    ("decay-sweep", {"input": {"low": 5.0, "high": 1.0}}),
    ("decay-sweep", {"trajectory": {"steps": 1, "momentum": [0.0, 1.0]}}),
    ("accuracy-gap", {"data": {"train_size": 8, "test_size": 8, "batch_size": 64}, "train": {"steps": 2}}),
    ("accuracy-gap", {"variant": [{"label": "x", "api": "nn"}], "train": {"steps": 3}}),
    ("trainable-only-saver", {"variant": [{"label": "k", "api": "keras", "var_list": "trainable"}]}),
    (
        "trainable-only-saver",
        {
            "variant": [{"label": "c", "api": "contrib", "var_list": "trainable_and_moving"}],
            "train": {"steps": 1},
        },
    ),
    (
        "control-dependencies-demo",
        {"variant": [{"label": "d", "a": 1e308, "b": 1e308, "control_dependency": True}]},
    ),
]


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return repr(value)


def _dump(raw: dict) -> str:
    lines = [
        f"{key} = {_toml_value(value)}"
        for key, value in raw.items()
        if not isinstance(value, (dict, list))
        or (isinstance(value, list) and not (value and isinstance(value[0], dict)))
    ]
    for key, value in raw.items():
        if isinstance(value, dict):
            lines.append(f"[{key}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in value.items() if not isinstance(v, dict)]
            for k, v in value.items():
                if isinstance(v, dict):
                    lines.append(f"[{key}.{k}]")
                    lines += [f"{kk} = {_toml_value(vv)}" for kk, vv in v.items()]
    for variant in raw.get("variant", []):
        lines.append("[[variant]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in variant.items() if k != "expect"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("case", range(len(RUNNABLE_MUTATIONS)))
def test_unusual_valid_scenarios_run_or_fail_in_one_line(tmp_path, capsys, case):
    name, change = RUNNABLE_MUTATIONS[case]
    raw = copy.deepcopy(tomllib.loads(BUILTIN[name]))
    for key, value in change.items():
        if key == "variant":
            raw["variant"] = value
        else:
            raw.setdefault(key, {}).update(value)
            raw[key].pop("expect", None)
    path = tmp_path / f"{name}-{case}.toml"
    path.write_text(_dump(raw))
    TRIED["executed"] += 1
    outcome = run_cli(capsys, "run", str(path), "--device", "cpu", "--format", "json")
    assert outcome.code in (0, 1, 2), outcome
    assert "Traceback" not in outcome.stderr
    if outcome.code == 2:
        assert len(outcome.stderr.strip().splitlines()) == 1, outcome.stderr
        assert str(path) in outcome.stderr
    else:
        assert outcome.stderr == "", outcome.stderr


def test_the_scenarios_being_mutated_are_valid_to_begin_with(tmp_path):
    """Mutations start from every built-in scenario, each of which validates as it is."""
    import tomllib

    assert set(BUILTIN) == set(spec.builtin_files()) and len(BUILTIN) >= 10
    for name, text in BUILTIN.items():
        spec.validate(tomllib.loads(text), tmp_path / f"{name}.toml")
