"""`bncheck run` / `list` / `--help` as a user meets them: output, exit codes, one-line errors."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers_cli import run_bncheck, run_cli, run_subprocess
from tests import requires


def _one_line_error(outcome) -> str:
    assert outcome.code == 2, outcome
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1, outcome.stderr
    assert "Traceback" not in outcome.stderr
    return lines[0]


@pytest.mark.parametrize("argv", [["--help"], ["list"], ["list", "--format", "json"], ["run", "--help"]])
def test_help_and_list_do_not_import_tensorflow(argv):
    code = (
        "import sys\n"
        "from bncheck.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit as e:\n"
        "    assert e.code in (0, None), e.code\n"
        "print('TF-LOADED' if 'tensorflow' in sys.modules else 'TF-ABSENT', file=sys.stderr)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert "TF-ABSENT" in completed.stderr


def test_list_names_every_scenario_with_title_and_pitfall(capsys):
    outcome = run_cli(capsys, "list", "--format", "json")
    assert outcome.code == 0
    listed = {entry["name"]: entry for entry in json.loads(outcome.stdout)}
    assert "missing-update-ops" in listed
    assert "UPDATE_OPS" in listed["missing-update-ops"]["pitfall"]
    assert all(entry["title"] and entry["pitfall"] for entry in listed.values())


@requires.tf
def test_run_text_shows_variables_device_and_verdict(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # the rendered width must not depend on the environment
    outcome = run_cli(capsys, "run", "missing-update-ops", "--device", "cpu", "--steps", "2")
    assert outcome.code == 0, outcome.stderr
    for text in (
        "bn/moving_mean",
        "bn/moving_variance",
        "before training",
        "after train steps",
        "after inference run",
        "CPU:0",
        "verdict",
        "control_dependencies",
        "trainable",
        "device",
    ):
        assert text in outcome.stdout
    assert outcome.stderr == ""


@requires.tf
@pytest.mark.parametrize("columns", [80, 60])
@pytest.mark.parametrize("name", ["missing-update-ops", "accuracy-gap", "renorm"])
def test_run_tables_fit_the_terminal_without_splitting_values(capsys, monkeypatch, columns, name):
    monkeypatch.setenv("COLUMNS", str(columns))
    outcome = run_cli(capsys, "run", name, "--device", "cpu")
    assert outcome.code == 0, outcome.stderr
    lines = outcome.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns
    # a value is never cut across lines: every bracket opened in a table row closes on it
    rows = [line for line in lines if "│" in line]
    assert rows and all(line.count("[") == line.count("]") for line in rows), rows
    assert "bn/moving_mean" in outcome.stdout


@requires.tf
def test_optimizer_variables_are_hidden_unless_asked_for(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    plain = run_cli(capsys, "run", "accuracy-gap", "--device", "cpu", "--steps", "3")
    assert plain.code in (0, 1), plain.stderr  # 3 steps do not reach the documented accuracy
    assert "/Adam" not in plain.stdout and "beta1_power" not in plain.stdout
    assert "12 optimizer variables" in plain.stdout and "--all-variables" in plain.stdout
    shown = run_cli(capsys, "run", "accuracy-gap", "--device", "cpu", "--steps", "3", "--all-variables")
    assert "bn/gamma/Adam" in shown.stdout and "optimizer variables" not in shown.stdout
    document = json.loads(
        run_cli(capsys, "run", "accuracy-gap", "--device", "cpu", "--steps", "3", "--format", "json").stdout
    )
    snapshot = document["scenarios"][0]["variants"][0]["snapshots"]["initial"]
    assert {v["name"] for v in snapshot if v["optimizer"]} >= {"bn/gamma/Adam", "beta1_power"}
    assert not any(v["optimizer"] for v in snapshot if v["name"] == "bn/gamma")


@requires.tf
def test_variant_lines_say_bug_or_fix_and_expectations_read_as_documented(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    outcome = run_cli(capsys, "run", "control-dependencies-fix", "--device", "cpu", "--steps", "2")
    assert outcome.code == 0, outcome.stderr
    headings = [line for line in outcome.stdout.splitlines() if line.startswith(("the bug", "the fix"))]
    assert headings == [
        "the bug  bare minimize  ✔ as documented",
        "the fix  under control_dependencies  ✔ as documented",
    ]
    assert "✔ as documented  moving_stats_unchanged = true" in outcome.stdout
    assert "held" not in outcome.stdout
    document = json.loads(
        run_cli(capsys, "run", "control-dependencies-fix", "--device", "cpu", "--format", "json").stdout
    )
    assert [v["role"] for v in document["scenarios"][0]["variants"]] == ["bug", "fix"]


@requires.tf
def test_a_failed_expectation_reads_not_as_documented(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    source = tmp_path / "wrong.toml"
    source.write_text(
        'title = "t"\npitfall = "p"\nprocedure = "train_eval"\n'
        '[[variant]]\nlabel = "bare (the bug)"\napi = "layers"\n'
        "[variant.expect]\nmoving_stats_unchanged = false\n"
        '[verdict]\nwhat = "w"\nwhy = "y"\nfix = "f"\n'
    )
    outcome = run_cli(capsys, "run", str(source), "--device", "cpu")
    assert outcome.code == 1
    assert "the bug  bare  ✘ NOT as documented" in outcome.stdout
    assert "moving_stats_unchanged: expected false, observed true" in outcome.stdout
    assert "1 expectation failed" in outcome.stdout


@requires.tf
def test_run_json_follows_the_documented_schema(capsys):
    outcome = run_cli(capsys, "run", "control-dependencies-fix", "--format", "json", "--device", "cpu")
    assert outcome.code == 0
    document = json.loads(outcome.stdout)
    assert document["schema_version"] == 1 and document["command"] == "run" and document["passed"] is True
    scenario = document["scenarios"][0]
    assert scenario["name"] == "control-dependencies-fix"
    variant = scenario["variants"][1]
    assert set(variant["snapshots"]) == {"initial", "after_train", "after_test"}
    moving_mean = next(v for v in variant["snapshots"]["after_train"] if v["name"] == "bn/moving_mean")
    assert (
        moving_mean["trainable"] is False and moving_mean["device"] == "CPU:0" and moving_mean["shape"] == [3]
    )
    assert all(value > 0 for value in moving_mean["value"]["values"])
    assert {e["observation"] for e in variant["expectations"]} >= {"moving_mean_follows_momentum"}
    assert set(scenario["verdict"]) == {"what", "why", "fix"}


@requires.tf
def test_failed_expectation_exits_one(tmp_path, capsys):
    source = tmp_path / "wrong.toml"
    source.write_text(
        'title = "t"\npitfall = "p"\nprocedure = "train_eval"\n'
        '[[variant]]\nlabel = "bare"\napi = "layers"\n[variant.expect]\nmoving_stats_unchanged = false\n'
        '[verdict]\nwhat = "w"\nwhy = "y"\nfix = "f"\n'
    )
    outcome = run_cli(capsys, "run", str(source), "--device", "cpu", "--format", "json")
    assert outcome.code == 1
    expectation = json.loads(outcome.stdout)["scenarios"][0]["variants"][0]["expectations"][0]
    assert expectation == {
        "variant": "bare",
        "observation": "moving_stats_unchanged",
        "expected": False,
        "observed": True,
        "passed": False,
    }


@requires.tf
def test_set_override_changes_the_run(capsys):
    outcome = run_cli(
        capsys,
        "run",
        "missing-update-ops",
        "--device",
        "cpu",
        "--format",
        "json",
        "--set",
        "variant.updates=control_dependencies",
    )
    assert outcome.code == 1  # the file expects the bug; with the fix the stats move
    variant = json.loads(outcome.stdout)["scenarios"][0]["variants"][0]
    assert variant["observations"]["moving_stats_unchanged"] is False


@requires.tf
def test_plot_writes_a_png(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    target = tmp_path / "decay.png"
    outcome = run_cli(
        capsys, "run", "decay-sweep", "--device", "cpu", "--plot", str(target), "--set", "trajectory.steps=20"
    )
    assert outcome.code == 0, outcome.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@requires.tf
def test_save_dir_keeps_the_checkpoints(tmp_path, capsys):
    outcome = run_cli(
        capsys,
        "run",
        "trainable-only-saver",
        "--device",
        "cpu",
        "--steps",
        "2",
        "--save-dir",
        str(tmp_path / "ckpt"),
    )
    assert outcome.code == 0, outcome.stderr
    written = sorted(p.name for p in (tmp_path / "ckpt").glob("*/checkpoint"))
    assert len(written) == 4


BAD_FILES = {
    "malformed.toml": ('title = "x"\ntitle = = 3\n', "malformed TOML"),
    "wrong-type.toml": ('title = 3\npitfall = "p"\nprocedure = "train_eval"\n', "'title' must be a string"),
    "unknown-key.toml": (
        'title = "t"\npitfall = "p"\nprocedure = "train_eval"\ncolour = "red"\n',
        "unknown key 'colour'",
    ),
    "bad-momentum.toml": (
        'title = "t"\npitfall = "p"\nprocedure = "train_eval"\n[[variant]]\nlabel = "x"\napi = "layers"\n'
        'momentum = 1.5\n[verdict]\nwhat = "w"\nwhy = "y"\nfix = "f"\n',
        "momentum' must be a number between 0 and 1",
    ),
    "unknown-observation.toml": (
        'title = "t"\npitfall = "p"\nprocedure = "train_eval"\n[[variant]]\nlabel = "x"\napi = "layers"\n'
        '[variant.expect]\nmoving_stats_unchangd = true\n[verdict]\nwhat = "w"\nwhy = "y"\nfix = "f"\n',
        "did you mean 'moving_stats_unchanged'",
    ),
    "no-variant.toml": (
        'title = "t"\npitfall = "p"\nprocedure = "train_eval"\n[verdict]\nwhat = "w"\nwhy = "y"\nfix = "f"\n',
        "at least one [[variant]]",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_scenario_file_is_one_line_exit_two_and_untouched(tmp_path, capsys, name):
    text, expected = BAD_FILES[name]
    source = tmp_path / name
    source.write_text(text)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    line = _one_line_error(run_cli(capsys, "run", str(source)))
    assert str(source) in line and expected in line
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["run", "missing-update-op"], "did you mean 'missing-update-ops'"),
        (["run", "no-such-thing-at-all"], "bncheck list"),
        (["run"], "no scenario given"),
        (["run", "missing-update-ops", "--set", "train.stepz=3"], "did you mean 'steps'"),
        (["run", "missing-update-ops", "--set", "variant.colour=1"], "unknown variant key 'colour'"),
        (["run", "missing-update-ops", "--set", "nonsense"], "expected KEY=VALUE"),
        (["run", "missing-update-ops", "--set", "train.steps=many"], "'train.steps' must be an integer"),
        (["run", "missing-update-ops", "--steps", "-1"], "--steps"),
        (["run", "missing-update-ops", "--device", "tpu"], "--device"),
        (["run", "/nonexistent/x.toml"], "no such scenario file"),
        (["run", "--all", "missing-update-ops"], "not both"),
        (["frobnicate"], "no such command"),
        (
            ["run", "missing-update-ops", "--seed", "-3"],
            "'input.seed' must be an integer from 0 to 2147483647",
        ),
        (["run", "missing-update-ops", "--set", "input.mean=nan"], "'input.mean' must be a finite number"),
    ],
)
def test_bad_input_is_one_line_and_exit_two(capsys, argv, expected):
    line = _one_line_error(run_cli(capsys, *argv))
    assert line.startswith("bncheck: error:") and expected in line


@requires.tf
def test_device_gpu_without_a_gpu_is_one_line_exit_two(capsys):
    from bncheck import tfcompat

    if tfcompat.load().config.list_physical_devices("GPU"):
        pytest.skip("a GPU is visible")
    line = _one_line_error(run_cli(capsys, "run", "missing-update-ops", "--device", "gpu"))
    assert "--device gpu" in line and "no GPU" in line


def test_errors_do_not_print_a_traceback_in_a_fresh_process():
    outcome = run_subprocess("run", "missing-update-op")
    assert outcome.code == 2 and outcome.stderr.count("\n") == 1 and "did you mean" in outcome.stderr


def test_debug_shows_the_traceback():
    outcome = run_subprocess("run", "missing-update-op", "--debug")
    assert outcome.code != 0 and "Traceback" in outcome.stderr


@requires.tf
def test_run_all_exits_zero_and_prints_a_summary():
    outcome = run_bncheck("run", "--all", "--device", "cpu")
    assert outcome.returncode == 0, outcome.stdout[-3000:] + outcome.stderr
    from bncheck.scenarios import spec

    count = len(spec.builtin_files())
    assert f"{count} scenarios: {count} passed, 0 failed" in outcome.stdout
    # TensorFlow's native log lines (import, session creation, the first runs) stay off stderr
    assert outcome.stderr == ""


def _built_wheel(tmp_path):
    """A wheel of this checkout, built from a copy so the checkout gets no build folder."""
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    source = tmp_path / "source"
    shutil.copytree(root / "bncheck", source / "bncheck", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(root / name, source / name)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            ".",
        ],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    return next(tmp_path.glob("bncheck-*.whl"))


def test_scenarios_are_package_data_found_from_a_zip_and_a_target_install(tmp_path):
    import os

    wheel = _built_wheel(tmp_path)
    # a wheel on sys.path is a zipped install: importlib.resources reads the files inside it
    env = dict(os.environ, PYTHONPATH=str(wheel), CUDA_VISIBLE_DEVICES="")
    code = "import bncheck, sys; print(bncheck.__file__)"
    where = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert str(wheel) in where.stdout, where.stdout + where.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "bncheck", "list", "--format", "json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    names = {entry["name"] for entry in json.loads(listed.stdout)}
    from bncheck.scenarios import spec

    assert names == set(spec.builtin_files()) and {"multi-tower-update-ops", "batch-size-one"} <= names
    ran = subprocess.run(
        [sys.executable, "-m", "bncheck", "run", "missing-update-ops", "--device", "cpu", "--format", "json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["scenarios"][0]["file"].startswith(str(wheel))
    # a plain install into a folder of its own (as --user does): no source tree, no share/ data files
    target = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    env["PYTHONPATH"] = str(target)
    listed = subprocess.run(
        [sys.executable, "-m", "bncheck", "list", "--format", "json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert len(json.loads(listed.stdout)) == len(names), listed.stderr


@requires.tf
def test_tensorflow_native_log_lines_of_session_runs_stay_off_stderr_unless_verbose():
    import os

    # make TensorFlow's C++ executor log every node it runs: without --verbose none of it may show
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="0", TF_CPP_MAX_VLOG_LEVEL="1", CUDA_VISIBLE_DEVICES="")
    quiet = run_subprocess("run", "missing-update-ops", "--device", "cpu", "--format", "json", env=env)
    assert quiet.code == 0, quiet.stderr[-2000:]
    assert "executor.cc" not in quiet.stderr and "Process node" not in quiet.stderr
    loud = run_subprocess(
        "run", "missing-update-ops", "--device", "cpu", "--format", "json", "--verbose", env=env
    )
    assert loud.code == 0 and "Process node" in loud.stderr
    assert json.loads(quiet.stdout)["passed"] is True


@requires.tf
def test_tensorflow_refusing_a_variant_is_one_line_with_tensorflows_reason(tmp_path, capsys):
    source = tmp_path / "uneven-ghosts.toml"
    source.write_text(
        'title = "t"\npitfall = "p"\nprocedure = "train_eval"\n[input]\nshape = [8, 3]\n'
        '[[variant]]\nlabel = "v"\napi = "layers"\nvirtual_batch_size = 3\ntraining = "true"\n'
        '[verdict]\nwhat = "w"\nwhy = "y"\nfix = "f"\n'
    )
    line = _one_line_error(run_cli(capsys, "run", str(source), "--device", "cpu"))
    assert str(source) in line and "TensorFlow rejected the scenario" in line
    assert "Input to reshape is a tensor with 24 values" in line and "Graph execution error" not in line


@pytest.mark.parametrize("width", [8, 14, 20, 40, None])
def test_a_value_is_shortened_to_its_column_never_cut(width):
    from bncheck.reporting.scenario_text import format_value
    from bncheck.scenarios.results import ValueSummary

    small = ValueSummary((3,), 0.67928, 0.69846, 0.74641, 0.03, [0.67928, 0.74641, 0.66968])
    large = ValueSummary((32,), -0.0916, 0.1, 0.38612, 0.1, None)
    for summary in (small, large):
        text = format_value(summary, width)
        if width is None:
            assert text in ("[0.67928, 0.74641, 0.66968]", "min -0.0916  mean 0.1  max 0.38612")
        elif width >= 14:
            assert len(text) <= width, text
        # every number shown is whole: it parses, and brackets close
        numbers = [
            token
            for token in text.replace("[", " ").replace("]", " ").replace(",", " ").split()
            if token not in ("min", "mean", "max", "…")
        ]
        assert numbers and all(float(token) == float(token) for token in numbers)
        assert text.count("[") == text.count("]")


finite = st.floats(allow_nan=False, allow_infinity=False, width=32)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(finite, min_size=1, max_size=16), width=st.integers(14, 60))
def test_every_small_value_fits_a_column_of_14_or_more(values, width):
    from bncheck.reporting.scenario_text import format_value
    from bncheck.scenarios.results import ValueSummary

    summary = ValueSummary((len(values),), min(values), sum(values) / len(values), max(values), 0.0, values)
    text = format_value(summary, width)
    assert len(text) <= width, text
    assert text.count("[") == text.count("]")
