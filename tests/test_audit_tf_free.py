"""`bncheck audit` without TensorFlow: it never imports it; a TensorFlow-free install agrees with TensorFlow.

The fixtures are built here with TensorFlow (this suite's environment has it), under tmp_path.
``BNCHECK_TFFREE_PYTHON`` names the python of an environment made with ``pip install .`` and no
extras (``make test-tf-free`` builds it); when it is set, every fixture, the corrupted ones too, is
audited there and compared with ``--reader tf`` here: the same exit code and the same JSON report.
Without it those tests skip; the import checks run in any environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import audit_fixtures as fx
from tests.robust_worker import run_batch

TF_FREE_PYTHON = os.environ.get("BNCHECK_TFFREE_PYTHON")
needs_tf_free = pytest.mark.skipif(
    not TF_FREE_PYTHON, reason="BNCHECK_TFFREE_PYTHON is not set (make test-tf-free sets it)"
)


def _corrupt(prefix: str, folder: Path, how: str) -> str:
    """A damaged copy of the run folder of ``prefix``; returns the copy's prefix."""
    shutil.copytree(Path(prefix).parent, folder)
    copy = str(folder / Path(prefix).name)
    state = folder / "checkpoint"
    if state.exists():
        state.write_text(state.read_text().replace(str(Path(prefix).parent), str(folder)))
    data = sorted(folder.glob(Path(prefix).name + ".data-*"))
    index = Path(copy + ".index")
    if how == "truncate-data":
        data[0].write_bytes(data[0].read_bytes()[:-7])
    elif how == "truncate-index":
        index.write_bytes(index.read_bytes()[:-20])
    elif how == "flip-index":
        raw = bytearray(index.read_bytes())
        raw[len(raw) // 3] ^= 0x10
        index.write_bytes(bytes(raw))
    elif how == "flip-bn-tensor":
        from bncheck.audit.bundle import Bundle

        bundle = Bundle(copy)
        entry = next(v.entry for name, v in bundle.variables.items() if "moving_variance" in name)
        bundle.close()
        raw = bytearray(data[entry.shard].read_bytes())
        raw[entry.offset + 1] ^= 0x01
        data[entry.shard].write_bytes(bytes(raw))
    elif how == "flip-object-graph":
        from bncheck.audit.bundle import Bundle

        bundle = Bundle(copy)
        entry = bundle.variables["_CHECKPOINTABLE_OBJECT_GRAPH"].entry
        bundle.close()
        raw = bytearray(data[0].read_bytes())
        raw[entry.offset + entry.size // 2] ^= 0x04
        data[0].write_bytes(bytes(raw))
    elif how == "missing-shard":
        data[-1].unlink()
    return copy


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, list[str]]:
    """case name -> the audit arguments: every kind of fixture, then damaged copies."""
    root = tmp_path_factory.mktemp("tf-free")
    keras = fx.shared(fx.build_keras_fixtures)
    fixed = fx.shared(fx.build_tf1, ema=True)
    sharded = fx.shared(fx.build_sharded)
    object_based = str(next((keras / "tf2").glob("*.index")))[: -len(".index")]
    found = {
        "tf1-fixed": [fixed],
        "tf1-no-update-ops": [fx.shared(fx.build_tf1, updates="none")],
        "tf1-trainable-saver": [fx.shared(fx.build_tf1, saver="trainable")],
        "tf1-nan": [fx.shared(fx.build_tf1, nan_variance_in="bn2")],
        "tf1-slim": [fx.shared(fx.build_tf1, style="slim", updates="first")],
        "tf1-run": [
            "--all",
            str(Path(fx.shared(fx.build_tf1, steps=4, save_steps=(2, 4), stop_updates_after=2)).parent),
        ],
        "tf1-sharded": [sharded],
        "tf1-partitioned": [fx.shared(fx.build_partitioned, frozen=True)],
        "tf2-object": [str(keras / "tf2")],
        "tf2-keras2": [str(keras / "tf2_keras2")],
        "tf2-manager": ["--all", str(keras / "managed")],
        "savedmodel": [str(keras / "savedmodel")],
        "keras3": [str(keras / "trained.keras")],
        "keras3-decay1": [str(keras / "decay1.keras")],
        "keras3-weights": [str(keras / "trained.weights.h5")],
        "keras3-h5": [str(keras / "keras3_legacy.h5")],
        "keras2-h5": [str(keras / "keras2.h5")],
        "keras2-renorm": [str(keras / "renorm.h5")],
    }
    for how in ("truncate-data", "truncate-index", "flip-index", "flip-bn-tensor"):
        found[f"tf1-{how}"] = [_corrupt(fixed, root / f"fixed-{how}", how)]
    found["tf1-sharded-missing-shard"] = [_corrupt(sharded, root / "sharded-missing", "missing-shard")]
    found["tf2-flip-object-graph"] = [_corrupt(object_based, root / "tf2-flip", "flip-object-graph")]
    found["tf2-flip-bn-tensor"] = [_corrupt(object_based, root / "tf2-flip-bn", "flip-bn-tensor")]
    return found


_NO_TF_SCRIPT = """
import contextlib, io, json, sys
from bncheck.cli import main
codes = {}
for name, args in json.loads(sys.argv[1]).items():
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            main(["audit", "--format", "json", *args])
        except SystemExit as exit_:
            codes[name] = exit_.code
print(json.dumps({"codes": codes, "tensorflow": sorted(m for m in sys.modules if m.split(".")[0] in
                  ("tensorflow", "keras", "tf_keras"))}))
"""


def test_audit_never_imports_tensorflow(cases, tmp_path):
    """Every fixture, damaged ones too, audited in one process that has TensorFlow installed."""
    result = subprocess.run(
        [sys.executable, "-c", _NO_TF_SCRIPT, json.dumps(cases)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        cwd=tmp_path,
    )
    document = json.loads(result.stdout)
    assert document["tensorflow"] == []
    assert set(document["codes"]) == set(cases)
    damaged = {name for name in cases if any(word in name for word in ("truncate", "flip", "missing"))}
    assert {name for name, code in document["codes"].items() if code == 2} == damaged
    # and by the interpreter's own account of every module imported
    traced = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bncheck", "audit", *cases["tf2-object"]],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
    )
    assert traced.returncode == 0, traced.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in traced.stderr.splitlines() if "|" in line]
    assert "bncheck.audit.bundle" in imported
    assert not [name for name in imported if name.split(".")[0] in ("tensorflow", "keras", "tf_keras")]


@pytest.mark.parametrize("missing", ["numpy", "h5py", "google_crc32c"])
def test_a_missing_dependency_is_one_line(missing, cases, tmp_path):
    target = cases["keras3"] if missing == "h5py" else cases["tf1-fixed"]
    for command in (["audit", *target], ["run", "missing-update-ops"]):
        if missing != "numpy" and command[0] == "run":
            continue
        code = f"import sys; sys.modules[{missing!r}] = None\nfrom bncheck.cli import main\nmain({command!r})"
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path
        )
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2, result.stderr
        assert len(lines) == 1 and "internal error" not in lines[0], result.stderr
        assert "is not installed: pip install bncheck" in lines[0]


def _tf_free(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    # run outside the source tree: `python -m bncheck` must find the installed package
    return subprocess.run(
        [TF_FREE_PYTHON, "-m", "bncheck", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=dict(os.environ, NO_COLOR="1"),
    )


@needs_tf_free
def test_the_tf_free_environment_has_no_tensorflow(tmp_path):
    probe = subprocess.run(
        [
            TF_FREE_PYTHON,
            "-c",
            "import importlib.util as u, bncheck; "
            "print(u.find_spec('tensorflow') is None, u.find_spec('keras') is None, bncheck.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    no_tf, no_keras, location = probe.stdout.split()
    assert (no_tf, no_keras) == ("True", "True")
    assert "site-packages" in location


@needs_tf_free
def test_tf_free_audit_matches_the_tensorflow_reader(cases, tmp_path):
    by_tf = run_batch(
        [
            {"id": name, "args": ["audit", "--reader", "tf", "--format", "json", *args]}
            for name, args in cases.items()
        ],
        tmp_path,
        budget_s=300,
    )
    failures = []
    for name, args in cases.items():
        free = _tf_free(["audit", "--format", "json", *args], tmp_path)
        reference = by_tf[name]
        if (free.returncode, free.stdout) != (reference.code, reference.stdout):
            failures.append(
                f"{name}: TF-free {free.returncode} {free.stderr.strip()[:200]} / "
                f"TensorFlow {reference.code} {reference.stderr.strip()[:200]}"
            )
        elif free.returncode == 2:
            assert len(free.stderr.strip().splitlines()) == 1 and "internal error" not in free.stderr
        else:
            assert json.loads(free.stdout)["command"] == "audit" and free.stderr == ""
    assert not failures, "\n".join(failures)


@needs_tf_free
@pytest.mark.parametrize(
    "args",
    [["run", "missing-update-ops"], ["graph", "model.meta"], ["trace", "train.py"]],
    ids=["run", "graph", "trace"],
)
def test_tensorflow_commands_say_what_to_install(args, tmp_path):
    (tmp_path / "model.meta").write_bytes(b"\x0a\x00")
    (tmp_path / "train.py").write_text("print('training')\n")
    result = _tf_free(args, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'bncheck[tf]'" in lines[0], result.stderr
    assert "internal error" not in lines[0] and result.stdout == ""
