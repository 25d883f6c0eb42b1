"""Bad input to bncheck audit: one line naming the file and the problem, exit 2, nothing written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bncheck.cli import main
from tests import audit_fixtures as fx


@pytest.fixture(scope="module")
def good_prefix(tmp_path_factory) -> str:
    return fx.build_tf1(tmp_path_factory.mktemp("good") / "run", updates="all")


def copy_run(good_prefix: str, tmp_path: Path) -> tuple[Path, str]:
    directory = tmp_path / "run"
    shutil.copytree(Path(good_prefix).parent, directory)
    return directory, str(directory / Path(good_prefix).name)


def assert_input_error(capfd, args: list[str], names: str, problem: str, watched: Path) -> str:
    before = fx.snapshot(watched)
    with pytest.raises(SystemExit) as exit_:
        main(["audit", *args])
    out, err = capfd.readouterr()
    assert exit_.value.code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("bncheck: error: ")
    assert names in lines[0] and problem in lines[0], lines[0]
    assert "Traceback" not in err
    assert fx.snapshot(watched) == before
    return lines[0]


def test_missing_path(tmp_path, capfd):
    missing = tmp_path / "model.ckpt-1000"
    assert_input_error(
        capfd, [str(missing)], str(missing), "no such file, directory or checkpoint prefix", tmp_path
    )


def test_empty_directory(tmp_path, capfd):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_input_error(capfd, [str(empty)], str(empty), "empty directory", tmp_path)


def test_directory_without_checkpoint_state_file(good_prefix, tmp_path, capfd):
    directory, prefix = copy_run(good_prefix, tmp_path)
    (directory / "checkpoint").unlink()
    line = assert_input_error(capfd, [str(directory)], str(directory), "no `checkpoint` state file", tmp_path)
    assert f"pass its prefix {prefix}" in line


def test_state_file_naming_a_deleted_checkpoint(good_prefix, tmp_path, capfd):
    directory, prefix = copy_run(good_prefix, tmp_path)
    name = Path(prefix).name
    (directory / "checkpoint").write_text(
        f'model_checkpoint_path: "{name}"\nall_model_checkpoint_paths: "{name}"\n'
    )
    for path in directory.glob(name + ".*"):
        path.unlink()
    assert_input_error(capfd, [str(directory)], str(directory / "checkpoint"), "is not in", tmp_path)


def test_truncated_data_file(good_prefix, tmp_path, capfd):
    directory, prefix = copy_run(good_prefix, tmp_path)
    data = Path(prefix + ".data-00000-of-00001")
    data.write_bytes(data.read_bytes()[:100])
    assert_input_error(capfd, [prefix], str(data), "truncated: 100 bytes", tmp_path)


def test_missing_data_file(good_prefix, tmp_path, capfd):
    directory, prefix = copy_run(good_prefix, tmp_path)
    Path(prefix + ".data-00000-of-00001").unlink()
    assert_input_error(capfd, [prefix + ".index"], prefix + ".data-00000-of-00001", "missing", tmp_path)


def test_corrupt_index(good_prefix, tmp_path, capfd):
    directory, prefix = copy_run(good_prefix, tmp_path)
    index = Path(prefix + ".index")
    raw = bytearray(index.read_bytes())
    raw[10:20] = b"x" * 10
    index.write_bytes(bytes(raw))
    assert_input_error(capfd, [prefix], str(index), "corrupt or unreadable checkpoint", tmp_path)


def test_meta_without_index(good_prefix, tmp_path, capfd):
    directory, prefix = copy_run(good_prefix, tmp_path)
    Path(prefix + ".index").unlink()
    assert_input_error(capfd, [prefix + ".meta"], prefix + ".meta", "graph without saved variables", tmp_path)


def test_text_file(tmp_path, capfd):
    text = tmp_path / "notes.txt"
    text.write_text("this is not a checkpoint\n")
    assert_input_error(capfd, [str(text)], str(text), "not a checkpoint; expected", tmp_path)


def test_broken_keras_files(tmp_path, capfd):
    archive = tmp_path / "model.keras"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("config.json", "{}")
    assert_input_error(capfd, [str(archive)], str(archive), "model.weights.h5 is missing", tmp_path)
    fake = tmp_path / "model.weights.h5"
    fake.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 64)
    assert_input_error(capfd, [str(fake)], str(fake), "corrupt or unreadable Keras file", tmp_path)
    not_h5 = tmp_path / "other.h5"
    not_h5.write_text("hello")
    assert_input_error(capfd, [str(not_h5)], str(not_h5), "not an HDF5 file", tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(good_prefix, tmp_path, capfd):
    directory, prefix = copy_run(good_prefix, tmp_path)
    index = Path(prefix + ".index")
    index.chmod(0)
    try:
        assert_input_error(capfd, [prefix], str(index), "permission denied", tmp_path)
    finally:
        index.chmod(0o644)


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root to drop to nobody"
)
def test_unreadable_file_as_unprivileged_user(good_prefix, tmp_path_factory):
    """As root, emulate a user without read permission by running the CLI as ``nobody``."""
    import tempfile

    public = Path(tempfile.mkdtemp(prefix="bncheck-unreadable-"))
    try:
        public.chmod(0o755)
        shutil.copytree(Path(good_prefix).parent, public / "run")
        for path in (public / "run").rglob("*"):
            path.chmod(0o644)
        (public / "run").chmod(0o755)
        index = public / "run" / (Path(good_prefix).name + ".index")
        index.chmod(0)
        before = fx.snapshot(public)
        result = subprocess.run(
            [
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                sys.executable,
                "-m",
                "bncheck",
                "audit",
                str(public / "run" / Path(good_prefix).name),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=dict(os.environ, HOME=str(public)),
            cwd=str(Path(__file__).resolve().parents[1]),
        )
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            f"bncheck: error: {index}: permission denied (cannot read the checkpoint index)"
        ]
        assert fx.snapshot(public) == before
    finally:
        shutil.rmtree(public, ignore_errors=True)


def test_fresh_process_keeps_stderr_to_one_line(good_prefix, tmp_path):
    """TensorFlow's import and reader log on fd 2 from C++; a fresh process shows only bncheck's line."""
    directory, prefix = copy_run(good_prefix, tmp_path)
    index = Path(prefix + ".index")
    index.write_bytes(index.read_bytes()[:-20])
    before = fx.snapshot(tmp_path)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TF_CPP_MIN_LOG_LEVEL", "ABSL_MIN_LOG_LEVEL")
    }
    result = subprocess.run(
        [sys.executable, "-m", "bncheck", "audit", prefix],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"bncheck: error: {index}: corrupt or unreadable checkpoint"
    ), result.stderr
    assert fx.snapshot(tmp_path) == before
