"""Hostile input to `bncheck audit`: declared sizes checked before reading, odd values and types as one line.

Each case is built from the input that broke an earlier version: a `.keras` whose config.json inflates
to hundreds of megabytes, an `.h5` declaring 2^28- and 2^33-element BN datasets, strings, complex
numbers, NaN and Inf where BN statistics or the step belong, compound / variable-length / reference
HDF5 datasets, a model_config attribute that is not text, a `\\x` escape in a state file, rich markup
in names.  Tensor bundles go through both readers, which must agree.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from bncheck.audit import audit_paths
from bncheck.cli import main
from bncheck.errors import InputError
from tests import audit_fixtures as fx
from tests import requires

# VmHWM, not ru_maxrss: the latter keeps the high-water mark of the forking (pytest) process
_PEAK_RSS = """
import re, sys
from bncheck.cli import main
try:
    main(["audit", "--format", "json", sys.argv[1]])
except SystemExit as exit_:
    code = exit_.code
with open("/proc/self/status") as status:
    peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))
print(code, peak // 1024, file=sys.stderr)
"""


def audit_in_child(path: Path) -> tuple[int, int, list[str]]:
    """(exit code, peak RSS in MiB, bncheck's stderr lines) of auditing ``path`` in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    *lines, last = result.stderr.strip().splitlines()
    code, peak = last.split()
    return int(code), int(peak), lines


def run_cli(capfd, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(["audit", *args])
    out, err = capfd.readouterr()
    return exit_.value.code, out, err


def one_line_error(capfd, path: str, *words: str, reader: str = "file") -> str:
    code, out, err = run_cli(capfd, "--reader", reader, path)
    lines = err.strip().splitlines()
    assert code == 2 and out == "", (code, out, err)
    assert len(lines) == 1 and lines[0].startswith("bncheck: error: "), err
    assert "internal error" not in lines[0] and all(word in lines[0] for word in words), lines[0]
    return lines[0]


# --- Keras / HDF5 ------------------------------------------------------------------------------------


def keras2_h5(
    path: Path, stats: dict | None = None, step=None, attrs: dict | None = None, name: str = "bn"
) -> Path:
    """A Keras 2 layout weights file written with h5py: ``<name>/<name>/<variable>:0``."""
    import h5py

    values = {
        "gamma": np.full(4, 1.5, np.float32),
        "beta": np.full(4, 0.1, np.float32),
        "moving_mean": np.full(4, 0.3, np.float32),
        "moving_variance": np.full(4, 2.0, np.float32),
    }
    with h5py.File(path, "w") as handle:
        for variable, value in {**values, **(stats or {})}.items():
            dataset = f"model_weights/{name}/{name}/{variable}:0"
            if callable(value):
                value(handle, dataset)
            else:
                handle[dataset] = value
        if step is not None:
            if callable(step):
                step(handle, "optimizer_weights/training/Adam/iter:0")
            else:
                handle["optimizer_weights/training/Adam/iter:0"] = step
        for key, value in (attrs or {}).items():
            handle.attrs[key] = value
    return path


def _declared(elements: int):
    def make(handle, dataset):
        handle.create_dataset(dataset, shape=(elements,), dtype="f4")  # no data written: a tiny file

    return make


def test_keras_archive_whose_config_inflates_far_is_refused_before_inflating(tmp_path):
    weights = keras2_h5(tmp_path / "model.weights.h5")
    archive = tmp_path / "bomb.keras"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.write(weights, "model.weights.h5")
        with handle.open("config.json", "w", force_zip64=True) as member:
            member.write(b"[")
            chunk = b" " * (1 << 20)
            for _ in range(256):
                member.write(chunk)
            member.write(b"]")
    assert archive.stat().st_size < 2 << 20
    code, peak, lines = audit_in_child(archive)
    assert code == 2 and len(lines) == 1 and "config.json inflates to 268435458 bytes" in lines[0], lines
    assert peak < 150, f"peak RSS {peak} MiB"


@pytest.mark.parametrize("elements", [1 << 28, 1 << 33], ids=["2^28", "2^33"])
def test_h5_declaring_huge_bn_datasets_is_refused_before_reading(tmp_path, elements):
    path = keras2_h5(
        tmp_path / "huge.h5", {"moving_mean": _declared(elements), "moving_variance": _declared(elements)}
    )
    assert path.stat().st_size < 64 * 1024
    code, peak, lines = audit_in_child(path)
    assert code == 2 and len(lines) == 1, lines
    assert f"declares {elements} values" in lines[0] and "internal error" not in lines[0]
    assert peak < 150, f"peak RSS {peak} MiB"


def _compound(handle, dataset):
    handle[dataset] = np.zeros(4, dtype=[("a", "f4"), ("b", "i4")])


def _vlen_strings(handle, dataset):
    import h5py

    handle.create_dataset(dataset, data=["0.1", "0.2", "0.3", "0.4"], dtype=h5py.string_dtype())


def _vlen_string(handle, dataset):
    import h5py

    handle.create_dataset(dataset, data="12", dtype=h5py.string_dtype())


def _references(handle, dataset):
    import h5py

    target = handle.create_dataset("elsewhere", data=np.ones(3))
    handle.create_dataset(dataset, data=[target.ref] * 4, dtype=h5py.ref_dtype)


def _vlen_floats(handle, dataset):
    import h5py

    data = handle.create_dataset(dataset, shape=(4,), dtype=h5py.vlen_dtype(np.float32))
    for index in range(4):
        data[index] = np.ones(index + 1, np.float32)


BAD_STATISTICS = {
    "compound": _compound,
    "vlen-strings": _vlen_strings,
    "references": _references,
    "vlen-floats": _vlen_floats,
    "complex": np.full(4, 1 + 2j, np.complex64),
    "fixed-strings": np.array([b"0.1", b"0.2", b"0.3", b"0.4"]),
    "bool": np.array([True, False, True, True]),
}


@pytest.mark.parametrize("kind", sorted(BAD_STATISTICS))
def test_h5_bn_statistic_that_is_no_number_is_one_line(tmp_path, capfd, kind):
    path = keras2_h5(tmp_path / f"{kind}.h5", {"moving_mean": BAD_STATISTICS[kind]})
    one_line_error(capfd, str(path), str(path), "moving_mean")


@pytest.mark.parametrize(
    "step",
    [
        np.float32("nan"),
        np.float64("inf"),
        np.complex64(3 + 1j),
        np.bytes_(b"12"),
        np.array([1, 2], np.int64),
        _vlen_string,
    ],
    ids=["nan", "inf", "complex", "string", "vector", "vlen-string"],
)
def test_h5_step_that_is_no_count_is_not_a_step(tmp_path, step):
    report = audit_paths([str(keras2_h5(tmp_path / "odd-step.h5", step=step))])
    assert report.checkpoints[0].info.step is None
    assert [layer.status for layer in report.layers] == ["updated"]
    assert report.findings == ()


def test_h5_nan_and_inf_statistics_are_bn103(tmp_path):
    path = keras2_h5(
        tmp_path / "nan.h5",
        {
            "moving_mean": np.array([0.1, np.nan, 0.2, 0.3], np.float32),
            "moving_variance": np.array([1.0, 2.0, np.inf, -np.inf], np.float32),
        },
    )
    report = audit_paths([str(path)])
    assert [layer.status for layer in report.layers] == ["invalid"]
    assert [finding.code for finding in report.findings] == ["BN103"]
    assert report.findings[0].message == (
        "bn: moving_variance has 2 Inf of 4; moving_variance has 1 value(s) <= 0 of 4; "
        "moving_mean has 1 NaN of 4"
    )


@pytest.mark.parametrize(
    "config",
    [7, np.arange(3), np.float64(1.5), "[" * 100_000 + "]" * 100_000, "{not json"],
    ids=["int", "array", "float", "deeply-nested", "not-json"],
)
def test_h5_model_config_that_is_not_json_text_is_one_line(tmp_path, capfd, config):
    path = keras2_h5(tmp_path / "config.h5", attrs={"model_config": config})
    one_line_error(capfd, str(path), str(path), "corrupt or unreadable Keras file")


def test_rich_markup_in_names_is_printed_as_text(tmp_path, capfd):
    folder = tmp_path / "sweep[" / "a]"
    folder.mkdir(parents=True)
    path = keras2_h5(
        folder / "base.h5",
        {"moving_mean": np.zeros(4, np.float32), "moving_variance": np.ones(4, np.float32)},
        step=np.int64(10),
        name="[blink red]bn",
    )
    other = keras2_h5(folder / "closing.h5", name="x[/a]bn")
    code, out, err = run_cli(capfd, str(path))
    assert code == 1 and err == ""
    assert "[blink red]bn" in out and f"{folder}/base.h5 (keras-h5, step 10)" in out
    assert "BN102" in out
    code, out, err = run_cli(capfd, str(other))
    assert code == 0 and err == "" and "x[/a]bn" in out


# --- tensor bundles, both readers --------------------------------------------------------------------


def bundle_with(directory: Path, variables: dict) -> str:
    """A TF1 checkpoint of a BN layer ``bn`` whose variables are overridden by ``variables``."""
    tf = fx.tfcompat.load()
    v1 = tf.compat.v1
    values = {
        "bn/gamma": np.full(4, 1.5, np.float32),
        "bn/beta": np.full(4, 0.1, np.float32),
        "bn/moving_mean": np.full(4, 0.3, np.float32),
        "bn/moving_variance": np.full(4, 2.0, np.float32),
        "global_step": np.int64(100),
        **variables,
    }
    directory.mkdir(parents=True, exist_ok=True)
    graph = tf.Graph()
    with graph.as_default():
        for name, value in values.items():
            v1.Variable(value, name=name)
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            return v1.train.Saver().save(session, str(directory / "model.ckpt"), write_meta_graph=False)


BAD_BUNDLE_STATISTICS = {
    "string": np.array([b"0.1", b"0.2", b"0.3", b"0.4"], dtype=object),
    "complex": np.full(4, 1 + 2j, np.complex64),
    "bool": np.array([True, False, True, True]),
}


@requires.tf
@pytest.mark.parametrize("kind", sorted(BAD_BUNDLE_STATISTICS))
def test_bundle_bn_statistic_that_is_no_number_is_one_line_in_both_readers(tmp_path, capfd, kind):
    prefix = bundle_with(tmp_path / kind, {"bn/moving_variance": BAD_BUNDLE_STATISTICS[kind]})
    lines = [
        one_line_error(capfd, prefix, prefix, "'bn/moving_variance'", reader=reader)
        for reader in ("file", "tf")
    ]
    assert lines[0] == lines[1]


@pytest.mark.parametrize(
    "step",
    [
        np.float32("nan"),
        np.float64("inf"),
        np.complex64(3 + 1j),
        np.array(b"12", dtype=object),
        np.float64(7.0),
    ],
    ids=["nan", "inf", "complex", "string", "float"],
)
@requires.tf
def test_bundle_step_that_is_no_count(tmp_path, step):
    report = fx.audit_both([bundle_with(tmp_path / "step", {"global_step": step})])
    assert report.checkpoints[0].info.step == (7 if step.dtype == np.float64 and step == 7.0 else None)
    assert [layer.status for layer in report.layers] == ["updated"]


@requires.tf
def test_bundle_declaring_an_oversized_bn_statistic_is_refused_in_both_readers(tmp_path, capfd):
    size = (1 << 20) + 1
    prefix = bundle_with(
        tmp_path / "wide",
        {"bn/moving_mean": np.zeros(size, np.float32), "bn/moving_variance": np.ones(size, np.float32)},
    )
    for reader in ("file", "tf"):
        one_line_error(capfd, prefix, f"declares {size} values", reader=reader)


@requires.tf
def test_bundle_nan_and_inf_statistics_are_bn103_in_both_readers(tmp_path):
    prefix = bundle_with(
        tmp_path / "nan",
        {
            "bn/moving_mean": np.array([np.nan, 0, 1, 2], np.float32),
            "bn/moving_variance": np.array([np.inf, 1, 1, 1], np.float64),
        },
    )
    report = fx.audit_both([prefix])
    assert [finding.code for finding in report.findings] == ["BN103"]
    assert "moving_variance has 1 Inf of 4" in report.findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        b'model_checkpoint_path: "model.ckpt\\x"\n',
        b'model_checkpoint_path: "model.ckpt\\xe9"\n',
        b'model_checkpoint_path: "model.ckpt\\777"\n',
        b'model_checkpoint_path: "model.ckpt\\u12"\n',
    ],
    ids=["bare-x", "latin-1-byte", "octal-overflow", "short-unicode"],
)
@requires.tf
def test_state_file_with_a_bad_escape_is_one_line(tmp_path, capfd, text):
    prefix = bundle_with(tmp_path / "run", {})
    state = Path(prefix).parent / "checkpoint"
    state.write_bytes(text)
    for reader in ("file", "tf"):
        one_line_error(capfd, str(state.parent), str(state), reader=reader)


@requires.tf
def test_state_file_escapes_are_decoded(tmp_path):
    prefix = bundle_with(tmp_path / "run", {})
    state = Path(prefix).parent / "checkpoint"
    # \x6d is "m"; protobuf's text format, as TensorFlow writes it, with the CheckpointManager's lines
    state.write_text(
        'model_checkpoint_path: "\\x6dodel.ckpt"\nall_model_checkpoint_paths: "model.ckpt"\n'
        "all_model_checkpoint_timestamps: 1700000000.5\nlast_preserved_timestamp: 1699999999.25\n"
    )
    report = fx.audit_both([str(state.parent)])
    assert report.checkpoints[0].info.path == prefix
    assert report.checkpoints[0].info.step == 100


def test_json_output_of_hostile_names_is_valid(tmp_path, capfd):
    path = keras2_h5(tmp_path / "names.h5", name='b\u00e9[red]n\\"x')
    code, out, _ = run_cli(capfd, "--format", "json", str(path))
    assert code == 0
    layers = json.loads(out)["checkpoints"][0]["layers"]
    assert [layer["name"] for layer in layers] == ['b\u00e9[red]n\\"x']


def test_input_error_is_what_the_core_raises(tmp_path):
    path = keras2_h5(tmp_path / "c.h5", {"moving_mean": np.full(4, 1j, np.complex64)})
    with pytest.raises(InputError, match="holds complex values where batch-norm statistics are numbers"):
        audit_paths([str(path)])
