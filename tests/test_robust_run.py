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
from tests import requires

BUILTIN = {name: path.read_text() for name, path in spec.builtin_files().items()}
TRIED = {"text": 0, "structure": 0, "executed": 0}

scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
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
            end = position + data.draw(st.integers(1, 20))
            del text[position:end]
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
        tables = (
            [raw]
            + [value for value in raw.values() if isinstance(value, dict)]
            + [variant for variant in variants if isinstance(variant, dict)]
        )
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
    ("multi-tower-update-ops", {"towers": {"count": 8, "shift": -1e6}, "train": {"steps": 1}}),
    ("multi-tower-update-ops", {"variant": [{"label": "c", "api": "contrib", "collect": "all_towers"}]}),
    (
        "eval-graph-training-true",
        {"variant": [{"label": "n", "api": "nn", "updates": "in_place", "eval_training": True}]},
    ),
    (
        "eval-graph-training-true",
        {"variant": [{"label": "l", "api": "layers", "updates": "in_place", "eval_training": True}]},
    ),
    (
        "virtual-batch-size",
        {"variant": [{"label": "v", "api": "keras_v2", "virtual_batch_size": 16, "training": "true"}]},
    ),
    ("virtual-batch-size", {"variant": [{"label": "v", "api": "layers", "virtual_batch_size": 1}]}),
    ("renorm", {"variant": [{"label": "r", "api": "keras", "renorm": True, "updates": "layer_updates"}]}),
    ("keras-frozen-bn", {"variant": [{"label": "k", "api": "keras_v2", "trainable": False, "fused": True}]}),
    ("batch-size-one", {"variant": [{"label": "b", "api": "contrib", "input_shape": [1, 1]}]}),
    ("batch-size-one", {"variant": [{"label": "n", "api": "nn", "trainable": False}]}),
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


@requires.tf
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


# Class 6 of the hostile-input report: sizes that segfaulted (data.hidden=300000), took 11 GB
# (50,000 x 4,096 features), would run for hours (1,000 momenta x 100,000 steps), or recursed
# without bound (deeply nested TOML).  Each is one line naming the key and the limit, exit 2.
SIZE_CASES = [
    (
        "accuracy-gap",
        ["--set", "data.hidden=300000"],
        "'data.hidden' asks for 300,000 units; the limit is 4,096",
    ),
    (
        "accuracy-gap",
        ["--set", "data.train_size=50000", "--set", "data.features=4096"],
        "'data.train_size' asks for 206,897,152 elements; the limit is 1,000,000",
    ),
    (
        "accuracy-gap",
        ["--set", "data.train_size=50000", "--set", "data.features=2048"],
        "'data.train_size' asks for 103,448,576 elements; the limit is 1,000,000",
    ),
    (
        "decay-sweep",
        [
            "--set",
            "trajectory.momentum=[" + ", ".join(["0.5"] * 1000) + "]",
            "--set",
            "trajectory.steps=100000",
        ],
        "'trajectory.momentum' asks for 1,000 BN layers; the limit is 16",
    ),
    (
        "decay-sweep",
        [
            "--set",
            "trajectory.momentum=[0.9, 0.99]",
            "--set",
            "trajectory.steps=100000",
            "--set",
            "input.shape=[64, 8, 8, 3]",
        ],
        "'trajectory.steps' asks for",
    ),
    (
        "missing-update-ops",
        ["--set", "input.shape=[4096, 32, 32, 3]"],
        "'input.shape' asks for 12,582,912 elements",
    ),
    ("missing-update-ops", ["--set", "variant.input_shape=[2000, 1000]"], "'variant.1.input_shape' asks for"),
    (
        "multi-tower-update-ops",
        ["--set", "input.shape=[1000, 1000]"],
        "'input.shape' asks for 2,000,000 elements",
    ),
    (
        "eval-graph-training-true",
        ["--set", "eval.batches=10000", "--set", "input.shape=[64, 8, 8, 3]"],
        "'eval.batches' asks for 122,880,000 element-steps",
    ),
]


@pytest.mark.parametrize("case", range(len(SIZE_CASES)))
def test_oversized_scenarios_are_one_line_naming_the_key_and_the_limit(capsys, case):
    name, argv, expected = SIZE_CASES[case]
    TRIED["executed"] += 1
    outcome = run_cli(capsys, "run", name, "--device", "cpu", *argv)
    assert outcome.code == 2, outcome
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "--no-size-limits" in lines[0], outcome.stderr
    assert "internal error" not in outcome.stderr


@requires.tf
def test_no_size_limits_lifts_the_caps(capsys):
    momenta = "[" + ", ".join(f"0.{50 + i}" for i in range(17)) + "]"
    command = (
        "run",
        "decay-sweep",
        "--device",
        "cpu",
        "--set",
        f"trajectory.momentum={momenta}",
        "--set",
        "trajectory.steps=2",
        "--format",
        "json",
    )
    refused = run_cli(capsys, *command)
    assert refused.code == 2 and "'trajectory.momentum' asks for 17 BN layers" in refused.stderr
    lifted = run_cli(capsys, *command, "--no-size-limits")
    assert lifted.code in (0, 1), lifted.stderr
    import json

    series = json.loads(lifted.stdout)["scenarios"][0]["trajectory"]["series"]
    assert len(series) == 17 and all(len(values) == 2 for values in series.values())


@pytest.mark.parametrize("depth", [200, 5_000, 100_000])
def test_deeply_nested_toml_is_one_line_not_a_recursion_error(tmp_path, capsys, depth):
    source = tmp_path / "deep.toml"
    source.write_text(
        'title = "t"\npitfall = "p"\nprocedure = "train_eval"\nx = ' + "[" * depth + "]" * depth + "\n"
    )
    TRIED["text"] += 1
    outcome = run_cli(capsys, "run", str(source))
    assert outcome.code == 2
    line = outcome.stderr.strip()
    assert "\n" not in line and str(source) in line and "internal error" not in line
    assert ("nested too deeply" in line) or ("unknown key 'x'" in line)


def test_deeply_nested_set_value_is_one_line(capsys):
    outcome = run_cli(
        capsys, "run", "missing-update-ops", "--set", "variant.momentum=" + "[" * 5000 + "]" * 5000
    )
    assert (
        outcome.code == 2 and "nested too deeply" in outcome.stderr and "internal error" not in outcome.stderr
    )


def test_deeply_nested_expectation_value_is_refused(tmp_path, capsys):
    source = tmp_path / "nested-expect.toml"
    source.write_text(
        'title = "t"\npitfall = "p"\nprocedure = "train_eval"\n[[variant]]\nlabel = "x"\n'
        'api = "layers"\n[variant.expect]\nbn_variables = ' + "[" * 300 + "]" * 300 + "\n"
        '[verdict]\nwhat = "w"\nwhy = "y"\nfix = "f"\n'
    )
    outcome = run_cli(capsys, "run", str(source))
    assert outcome.code == 2 and "a list of names or numbers" in outcome.stderr


@settings(max_examples=200, deadline=None)
@given(
    hidden=st.integers(1, 10**7),
    features=st.integers(2, 10**6),
    train_size=st.integers(8, 10**7),
    test_size=st.integers(8, 10**7),
    batch_size=st.integers(1, 10**7),
    steps=st.integers(0, 100_000),
)
def test_an_accepted_accuracy_gap_scenario_is_bounded(
    hidden, features, train_size, test_size, batch_size, steps
):
    raw = tomllib.loads(BUILTIN["accuracy-gap"])
    raw["data"].update(
        hidden=hidden, features=features, train_size=train_size, test_size=test_size, batch_size=batch_size
    )
    raw["train"]["steps"] = steps
    TRIED["structure"] += 1
    try:
        scenario = spec.validate(raw, spec.builtin_files()["accuracy-gap"])
    except BncheckError as error:
        assert "asks for" in str(error) and "the limit is" in str(error)
        return
    data = scenario.table("data")
    # what the run allocates: the data set, one batch through the widest layer, the dense weights
    assert (data["train_size"] + data["test_size"]) * data["features"] <= 1_000_000
    assert data["hidden"] <= 4096 and data["features"] <= 4096
    assert data["batch_size"] * max(data["features"], data["hidden"]) <= 1_000_000


@requires.tf
def test_rich_markup_in_a_scenarios_names_is_printed_literally(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    source = tmp_path / "markup[red].toml"
    source.write_text(
        'name = "[/a]bad[blink red]"\ntitle = "[/b] t"\npitfall = "[red]p"\n'
        'procedure = "control_dependency_demo"\n'
        '[[variant]]\nlabel = "[/x] v (the bug)"\ncontrol_dependency = true\n'
        '[verdict]\nwhat = "[/w]"\nwhy = "y"\nfix = "f"\n'
    )
    outcome = run_cli(capsys, "run", str(source), str(source), "--device", "cpu")
    assert outcome.code == 0, outcome.stderr
    assert "internal error" not in outcome.stderr
    for literal in ("[/a]bad[blink red]", "[/b] t", "[red]p", "[/x] v", "[/w]"):
        assert literal in outcome.stdout, literal


@pytest.mark.parametrize("where", ["a-file/sub", "/proc/no-such-folder"])
def test_a_save_dir_that_cannot_be_created_is_one_line(tmp_path, capsys, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("x")
    outcome = run_cli(capsys, "run", "trainable-only-saver", "--device", "cpu", "--save-dir", where)
    assert outcome.code == 2
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and f"--save-dir {where}: cannot create the folder" in lines[0], outcome.stderr
    assert (tmp_path / "a-file").read_text() == "x"
