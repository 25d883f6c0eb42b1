"""Robustness of `bncheck audit`: real TensorFlow checkpoints, then corrupted.

Each corruption is audited in a child process (``tests.robust_worker``: one
TensorFlow import for all cases, and a native crash costs one case, not the
test run).  A structural corruption (truncated, missing, empty, a directory or a
symlink loop where a file belongs, a `checkpoint` file that points nowhere) must
give exit 2 and one stderr line naming a file under the case's folder, no
traceback, within the alarm.  A bit flip or trailing padding may still read as a
valid checkpoint (a flipped float is a valid float): those only must not crash,
and are counted apart.  No case may change a file under its folder.

Every TensorFlow bundle case runs twice, with bncheck's file reader (the default) and with
``--reader tf``: both must give the same exit code, and the same report when they read it, so a
file that TensorFlow refuses is never audited as clean.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers_fs import folder_state
from tests.audit_fixtures import build_keras_fixtures, build_sharded, build_tf1, shared
from tests.robust_worker import run_batch

TRIED: dict[str, int] = {"audit corrupted": 0, "audit read as valid": 0, "audit as another user": 0}
ALARM_S = 30
READERS = ("file", "tf")


@pytest.fixture(scope="module")
def originals() -> dict[str, Path]:
    single = Path(shared(build_tf1, steps=2))
    sharded = Path(shared(build_sharded))
    assert sorted(p.name for p in sharded.parent.glob("*.data-*")) == [
        "model.ckpt-1.data-00000-of-00002",
        "model.ckpt-1.data-00001-of-00002",
    ]
    return {"single": single, "sharded": sharded}


@dataclass(frozen=True)
class Corruption:
    """One damaged copy: ``damage(folder, prefix)`` edits the copy and returns the path to audit."""

    case_id: str
    source: str  # "single" or "sharded"
    damage: Callable[[Path, Path], str]
    structural: bool  # must be exit 2; otherwise exit 0/1 is allowed too


def _truncate(suffix: str, fraction: float):
    def damage(folder: Path, prefix: Path) -> str:
        path = Path(f"{prefix}{suffix}")
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])
        return str(prefix)

    return damage


def _flip(suffix: str, seed: int, bits: int):
    def damage(folder: Path, prefix: Path) -> str:
        path = Path(f"{prefix}{suffix}")
        data = bytearray(path.read_bytes())
        rng = random.Random(seed)
        for _ in range(bits):
            position = rng.randrange(len(data))
            data[position] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
        return str(prefix)

    return damage


def _pad(suffix: str, payload: bytes):
    def damage(folder: Path, prefix: Path) -> str:
        with open(f"{prefix}{suffix}", "ab") as handle:
            handle.write(payload)
        return str(prefix)

    return damage


def _empty(suffix: str):
    def damage(folder: Path, prefix: Path) -> str:
        Path(f"{prefix}{suffix}").write_bytes(b"")
        return str(prefix)

    return damage


def _delete(suffix: str, target: str = "prefix"):
    def damage(folder: Path, prefix: Path) -> str:
        Path(f"{prefix}{suffix}").unlink()
        return str(folder) if target == "folder" else str(prefix)

    return damage


def _directory_instead(suffix: str):
    def damage(folder: Path, prefix: Path) -> str:
        path = Path(f"{prefix}{suffix}")
        path.unlink()
        path.mkdir()
        return str(prefix)

    return damage


def _symlink_loop(suffix: str, target: str = "prefix"):
    def damage(folder: Path, prefix: Path) -> str:
        path = Path(f"{prefix}{suffix}")
        path.unlink()
        path.symlink_to(path.name)  # points at itself
        return str(folder) if target == "folder" else str(prefix)

    return damage


def _two_link_loop(folder: Path, prefix: Path) -> str:
    index = Path(f"{prefix}.index")
    index.unlink()
    (folder / "a.index").symlink_to("b.index")
    (folder / "b.index").symlink_to("a.index")
    index.symlink_to("a.index")
    return str(prefix)


def _folder_loop(folder: Path, prefix: Path) -> str:
    (folder / "loop").symlink_to(".")
    (folder / "self").symlink_to("self")
    return str(folder / "self")


def _state(text: bytes):
    def damage(folder: Path, prefix: Path) -> str:
        (folder / "checkpoint").write_bytes(text)
        return str(folder)

    return damage


def _state_to_elsewhere(folder: Path, prefix: Path) -> str:
    other = folder / "elsewhere"
    other.mkdir()
    (folder / "checkpoint").write_text(f'model_checkpoint_path: "{other}/model.ckpt-9"\n')
    return str(folder)


def _state_is_directory(folder: Path, prefix: Path) -> str:
    (folder / "checkpoint").unlink()
    (folder / "checkpoint").mkdir()
    return str(folder)


def _state_loop(folder: Path, prefix: Path) -> str:
    (folder / "checkpoint").unlink()
    (folder / "checkpoint").symlink_to("checkpoint")
    return str(folder)


def _named_pipe(name: str, target: str = "prefix"):
    """A FIFO where a checkpoint file belongs: opening it would block until someone writes."""

    def damage(folder: Path, prefix: Path) -> str:
        path = folder / name.replace("{prefix}", prefix.name)
        path.unlink()
        os.mkfifo(path)
        return str(folder) if target == "folder" else str(prefix)

    return damage


def _swap_index(folder: Path, prefix: Path) -> str:
    """The index of the other checkpoint with this one's data: shapes and offsets disagree."""
    other = Path(os.environ["BNCHECK_ROBUST_OTHER_INDEX"])
    Path(f"{prefix}.index").write_bytes(other.read_bytes())
    return str(prefix)


def _data_only(folder: Path, prefix: Path) -> str:
    Path(f"{prefix}.index").unlink()
    return next(str(path) for path in folder.glob("*.data-*"))


def corruptions() -> list[Corruption]:
    """The damage table: at least 100 cases over both checkpoints."""
    cases: list[Corruption] = []
    for source, data_suffixes in (
        ("single", [".data-00000-of-00001"]),
        ("sharded", [".data-00000-of-00002", ".data-00001-of-00002"]),
    ):
        fractions = (
            [0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999] if source == "single" else [0.0, 0.5, 0.99]
        )
        for fraction in fractions:
            cases.append(
                Corruption(f"{source}-truncate-index-{fraction}", source, _truncate(".index", fraction), True)
            )
            for suffix in data_suffixes:
                cases.append(
                    Corruption(
                        f"{source}-truncate{suffix}-{fraction}", source, _truncate(suffix, fraction), True
                    )
                )
        seeds = range(24) if source == "single" else range(8)
        for seed in seeds:
            bits = 1 + seed % 3
            cases.append(
                Corruption(f"{source}-flip-index-{seed}x{bits}", source, _flip(".index", seed, bits), False)
            )
            for suffix in data_suffixes:
                cases.append(
                    Corruption(
                        f"{source}-flip{suffix}-{seed}x{bits}", source, _flip(suffix, seed, bits), False
                    )
                )
        for suffix in [".index", *data_suffixes]:
            cases.append(Corruption(f"{source}-empty{suffix}", source, _empty(suffix), True))
            cases.append(Corruption(f"{source}-delete{suffix}", source, _delete(suffix), True))
            cases.append(Corruption(f"{source}-directory{suffix}", source, _directory_instead(suffix), True))
            cases.append(Corruption(f"{source}-symlink-loop{suffix}", source, _symlink_loop(suffix), True))
            cases.append(Corruption(f"{source}-pad-zeros{suffix}", source, _pad(suffix, b"\0" * 4096), False))
            cases.append(
                Corruption(
                    f"{source}-pad-garbage{suffix}",
                    source,
                    _pad(suffix, random.Random(7).randbytes(999)),
                    False,
                )
            )
        cases.append(
            Corruption(f"{source}-delete-index-audit-folder", source, _delete(".index", "folder"), True)
        )
        cases.append(
            Corruption(f"{source}-index-loop-audit-folder", source, _symlink_loop(".index", "folder"), True)
        )
        cases.append(Corruption(f"{source}-two-link-index-loop", source, _two_link_loop, True))
        cases.append(Corruption(f"{source}-index-of-the-other-checkpoint", source, _swap_index, False))
        cases.append(Corruption(f"{source}-data-file-without-index", source, _data_only, True))
    for name, text in {
        "missing-prefix": b'model_checkpoint_path: "model.ckpt-404"\n',
        "absolute-missing": b'model_checkpoint_path: "/nonexistent/run/model.ckpt-1"\n',
        "garbage-text": b"this is not a state file\n",
        "binary": bytes(range(256)) * 4,
        "latin-1": b'model_checkpoint_path: "mod\xe9le.ckpt-1"\n',
        "empty": b"",
        "no-model-path": b'all_model_checkpoint_paths: "model.ckpt-1"\n',
        "unterminated-quote": b'model_checkpoint_path: "model.ckpt-1\n',
        "nul-bytes": b'model_checkpoint_path: "model\x00.ckpt-1"\n',
        "very-long-name": b'model_checkpoint_path: "' + b"m" * 5000 + b'"\n',
        "points-at-a-folder": b'model_checkpoint_path: "."\n',
    }.items():
        cases.append(Corruption(f"state-{name}", "single", _state(text), True))
    cases.append(Corruption("state-absolute-elsewhere", "single", _state_to_elsewhere, True))
    cases.append(Corruption("state-is-a-directory", "single", _state_is_directory, True))
    cases.append(Corruption("state-symlink-loop", "single", _state_loop, True))
    # found by this suite: each of these blocked forever in open()
    cases.append(Corruption("named-pipe-index", "single", _named_pipe("{prefix}.index"), True))
    cases.append(Corruption("named-pipe-data", "sharded", _named_pipe("{prefix}.data-00001-of-00002"), True))
    cases.append(Corruption("named-pipe-state", "single", _named_pipe("checkpoint", "folder"), True))
    cases.append(Corruption("folder-symlink-loop", "single", _folder_loop, True))
    return cases


def _copy_run(original: Path, folder: Path) -> None:
    """Copy a run folder; its `checkpoint` file names the copies (TensorFlow writes absolute paths)."""
    shutil.copytree(original, folder, symlinks=True)
    state = folder / "checkpoint"
    state.write_text(state.read_text().replace(str(original), str(folder)))


def _assert_one_line_error(result, folder: Path, case_id: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, (case_id, result.stderr)
    assert lines[0].startswith("bncheck: error: "), (case_id, result.stderr)
    assert "internal error" not in lines[0], (case_id, lines[0])
    assert str(folder) in lines[0] or "/nonexistent/" in lines[0], (case_id, lines[0])


def test_corrupted_checkpoints_fail_in_one_line_or_read_cleanly(originals, tmp_path, monkeypatch):
    monkeypatch.setenv("BNCHECK_ROBUST_OTHER_INDEX", f"{originals['sharded']}.index")
    table = corruptions()
    assert len(table) >= 100
    cases, folders, before = [], {}, {}
    for number, corruption in enumerate(table):
        original = originals[corruption.source]
        folder = tmp_path / f"case{number:03d}"
        _copy_run(original.parent, folder)
        target = corruption.damage(folder, folder / original.name)
        folders[corruption.case_id] = folder
        before[corruption.case_id] = folder_state(folder)
        for reader in READERS:
            cases.append(
                {
                    "id": f"{corruption.case_id}@{reader}",
                    "args": ["audit", "--reader", reader, "--format", "json", target],
                    "alarm_s": ALARM_S,
                }
            )
    results = run_batch(cases, tmp_path, budget_s=300)
    failures = []
    for corruption in table:
        TRIED["audit corrupted"] += 1
        result = results[f"{corruption.case_id}@file"]
        by_tf = results[f"{corruption.case_id}@tf"]
        folder = folders[corruption.case_id]
        try:
            assert isinstance(result.code, int), f"{result.code}\n{result.stderr}"
            assert (result.code, result.stdout) == (by_tf.code, by_tf.stdout), (
                f"file reader: {result.code} {result.stderr.strip()}; "
                f"TensorFlow: {by_tf.code} {by_tf.stderr.strip()}"
            )
            assert "Traceback" not in result.stderr, result.stderr
            if result.code == 2 or corruption.structural:
                assert result.code == 2, (result.code, result.stdout[:300], result.stderr)
                _assert_one_line_error(result, folder, corruption.case_id)
            else:
                assert result.code in (0, 1), result.code
                assert result.stderr == "", result.stderr
                TRIED["audit read as valid"] += 1
            changed = "a file under the input's folder changed"
            assert folder_state(folder) == before[corruption.case_id], changed
        except AssertionError as error:
            failures.append(f"{corruption.case_id}: {' '.join(str(error).split())[:400]}")
    if failures:
        pytest.fail(
            f"{len(failures)} of {len(table)} corruptions misbehaved:\n" + "\n".join(failures), pytrace=False
        )


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory) -> Path:
    """Keras 3 .weights.h5, .keras and legacy .h5 of a small trained model and its TF2 object checkpoint."""
    built = shared(build_keras_fixtures)
    folder = tmp_path_factory.mktemp("robust-audit-keras")
    for name, source in (("model.weights.h5", "trained.weights.h5"), ("model.keras", "trained.keras"),
                         ("model.h5", "keras3_legacy.h5")):
        shutil.copy(built / source, folder / name)
    shutil.copytree(built / "tf2", folder / "tf2")
    return folder


def test_corrupted_keras_files_fail_in_one_line_or_read_cleanly(keras_files, tmp_path):
    """Truncated and bit-flipped Keras HDF5/zip files and a TF2 object checkpoint: errors become one line."""
    cases, tf_cases, folders, before = [], [], {}, {}
    for name in ["model.weights.h5", "model.keras", "model.h5"]:
        data = (keras_files / name).read_bytes()
        variants = {
            f"truncate-{f}": data[: int(len(data) * f)] for f in (0.0, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99)
        }
        for seed in range(20):
            flipped = bytearray(data)
            rng = random.Random(seed)
            for _ in range(1 + seed % 4):
                flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
            variants[f"flip-{seed}"] = bytes(flipped)
        # found by the bit flips: a group name that is not UTF-8 was an internal TypeError
        if name == "model.weights.h5":
            assert b"batch_normalization" in data
            variants["non-utf8-name"] = data.replace(b"batch_normalization", b"batch_normalizati\xefn")
        for key, content in variants.items():
            case_id = f"{name}-{key}"
            folder = tmp_path / case_id
            folder.mkdir()
            (folder / name).write_bytes(content)
            folders[case_id] = folder
            before[case_id] = folder_state(folder)
            cases.append(
                {"id": case_id, "args": ["audit", "--format", "json", str(folder / name)], "alarm_s": 30}
            )
    # a TF2 object checkpoint: its object graph is a tensor in the bundle, parsed by bncheck itself
    prefix = next((keras_files / "tf2").glob("*.index")).with_suffix("")
    for part in ["index", "data"]:
        path = (
            prefix.with_name(prefix.name + ".index")
            if part == "index"
            else next(prefix.parent.glob("*.data-*"))
        )
        data = path.read_bytes()
        for number, seed in enumerate(range(12)):
            case_id = f"tf2-{part}-{'truncate' if number < 4 else 'flip'}-{seed}"
            folder = tmp_path / case_id
            shutil.copytree(prefix.parent, folder)
            target = folder / path.name
            if number < 4:
                target.write_bytes(data[: int(len(data) * (0.1 + 0.25 * number))])
            else:
                flipped = bytearray(data)
                rng = random.Random(seed)
                flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
                target.write_bytes(bytes(flipped))
            folders[case_id] = folder
            before[case_id] = folder_state(folder)
            cases.append({"id": case_id, "args": ["audit", "--format", "json", str(folder / prefix.name)]})
            tf_args = ["audit", "--reader", "tf", "--format", "json", str(folder / prefix.name)]
            tf_cases.append({"id": f"{case_id}@tf", "args": tf_args})
    results = run_batch(cases + tf_cases, tmp_path, budget_s=150)
    failures = []
    for case in cases:
        case_id = case["id"]
        TRIED["audit corrupted"] += 1
        result = results[case_id]
        try:
            assert isinstance(result.code, int), f"{result.code}: {result.stderr[-600:]}"
            if case_id.startswith("tf2-"):
                by_tf = results[f"{case_id}@tf"]
                assert (result.code, result.stdout) == (by_tf.code, by_tf.stdout), (
                    f"file reader: {result.code} {result.stderr.strip()}; "
                    f"TensorFlow: {by_tf.code} {by_tf.stderr.strip()}"
                )
            assert "Traceback" not in result.stderr, result.stderr[-600:]
            if result.code == 2 or "truncate" in case_id or "non-utf8" in case_id:
                assert result.code == 2, (result.code, result.stderr)
                _assert_one_line_error(result, folders[case_id], case_id)
            else:
                assert result.code in (0, 1) and result.stderr == "", (result.code, result.stderr)
                TRIED["audit read as valid"] += 1
            changed = "a file under the input's folder changed"
            assert folder_state(folders[case_id]) == before[case_id], changed
        except AssertionError as error:
            failures.append(f"{case_id}: {' '.join(str(error).split())[:400]}")
    if failures:
        pytest.fail(
            f"{len(failures)} of {len(cases)} Keras files misbehaved:\n" + "\n".join(failures), pytrace=False
        )


def _as_nobody() -> list[str] | None:
    if os.geteuid() != 0:
        return []  # already unprivileged: chmod 000 is enough
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    try:
        import pwd

        nobody = pwd.getpwnam("nobody")
    except KeyError:
        return None
    # numeric ids: the group is "nogroup" on Debian, "nobody" elsewhere
    return [setpriv, f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]


def _chmod_index(folder: Path, prefix: Path) -> str:
    Path(f"{prefix}.index").chmod(0)
    return str(prefix)


def _chmod_data(folder: Path, prefix: Path) -> str:
    next(folder.glob("*.data-*")).chmod(0)
    return str(prefix)


def _chmod_state(folder: Path, prefix: Path) -> str:
    (folder / "checkpoint").chmod(0)
    return str(folder)


def _chmod_folder(folder: Path, prefix: Path) -> str:
    inner = folder / "inner"
    inner.mkdir()
    for path in list(folder.iterdir()):
        if path != inner:
            path.rename(inner / path.name)
    inner.chmod(0)
    return str(inner)


def _chmod_folder_prefix(folder: Path, prefix: Path) -> str:
    inner = Path(_chmod_folder(folder, prefix))
    return str(inner / prefix.name)


@pytest.mark.parametrize(
    "damage",
    [_chmod_index, _chmod_data, _chmod_state, _chmod_folder, _chmod_folder_prefix],
    ids=["index", "data", "state-file", "folder", "prefix-in-folder"],
)
def test_unreadable_checkpoint_files_fail_in_one_line_as_another_user(originals, damage):
    runner = _as_nobody()
    if runner is None:
        pytest.skip("no unprivileged user to run as")
    # pytest's tmp folders are private to their owner; the other user must be able to reach this one
    base = Path(tempfile.mkdtemp(prefix="bncheck-robust-"))
    try:
        base.chmod(0o755)
        folder = base / "run"
        _copy_run(originals["single"].parent, folder)
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        target = damage(folder, folder / originals["single"].name)
        before = folder_state(base)
        TRIED["audit as another user"] += 1
        completed = subprocess.run(
            [*runner, sys.executable, "-m", "bncheck", "audit", target],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            cwd=base,
            env=dict(os.environ, HOME=str(base), NO_COLOR="1"),
        )
        assert completed.returncode == 2, (completed.returncode, completed.stdout, completed.stderr)
        assert "Traceback" not in completed.stderr
        lines = completed.stderr.strip().splitlines()
        assert len(lines) == 1 and str(folder) in lines[0] and "permission denied" in lines[0].lower(), (
            completed.stderr
        )
        assert folder_state(base) == before
    finally:
        for path in [base, *base.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o700)
        shutil.rmtree(base)


def test_the_damage_table_has_over_100_distinct_cases_on_both_checkpoints():
    cases = corruptions()
    ids = [case.case_id for case in cases]
    assert len(ids) >= 100 and len(ids) == len(set(ids))
    assert {case.source for case in cases} == {"single", "sharded"}
