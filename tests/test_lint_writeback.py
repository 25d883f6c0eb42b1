"""``--fix`` on the file system: owner, mode and hard links kept, read-only and changed files refused,
no temporary file left behind by SIGINT or SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bncheck.lint.api import lint_paths
from bncheck.lint.config import LintConfig
from bncheck.lint.fixes import plan_fixes
from bncheck.lint.writeback import write_fix
from tests.helpers_cli import run_cli

BROKEN = (
    "import tensorflow.compat.v1 as tf\n"
    "h = tf.layers.batch_normalization(x, training=True)\n"
    "train_op = tf.train.AdamOptimizer().minimize(loss)\n"
)
WRAPPED = "with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n    train_op"


def _script(tmp_path: Path, name: str = "train.py", mode: int | None = None) -> Path:
    path = tmp_path / name
    path.write_text(BROKEN, encoding="utf-8")
    if mode is not None:
        os.chmod(path, mode)
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".bncheck"))


def test_fix_keeps_the_mode(tmp_path: Path, capsys) -> None:
    path = _script(tmp_path, mode=0o640)
    outcome = run_cli(capsys, "lint", "--isolated", "--fix", str(path))
    assert outcome.code == 0, outcome
    assert WRAPPED in path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o7777 == 0o640


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another user: root")
def test_fix_as_root_keeps_the_owner_of_a_user_file(tmp_path: Path, capsys) -> None:
    """Was broken: a uid-1000 file became root's after --fix."""
    path = _script(tmp_path)
    os.chown(path, 1000, 1000)
    outcome = run_cli(capsys, "lint", "--isolated", "--fix", str(path))
    assert outcome.code == 0, outcome
    assert WRAPPED in path.read_text(encoding="utf-8")
    assert (path.stat().st_uid, path.stat().st_gid) == (1000, 1000)


def test_fix_keeps_hard_links(tmp_path: Path, capsys) -> None:
    """Was broken: the fixed file was a new inode, the other name kept the bug."""
    path = _script(tmp_path)
    other = tmp_path / "same_file.py"
    os.link(path, other)
    outcome = run_cli(capsys, "lint", "--isolated", "--fix", str(path))
    assert outcome.code == 0, outcome
    assert path.stat().st_ino == other.stat().st_ino and path.stat().st_nlink == 2
    assert WRAPPED in other.read_text(encoding="utf-8")
    assert _leftovers(tmp_path) == []


def test_read_only_file_is_refused_in_one_line_even_for_root(tmp_path: Path, capsys) -> None:
    """Was broken: as root, a 0444 file was rewritten without a word."""
    path = _script(tmp_path, mode=0o444)
    fixable = _script(tmp_path, "other.py")
    outcome = run_cli(capsys, "lint", "--isolated", "--fix", str(path), str(fixable))
    assert outcome.code == 2
    assert path.read_text(encoding="utf-8") == BROKEN and path.stat().st_mode & 0o7777 == 0o444
    assert WRAPPED in fixable.read_text(encoding="utf-8")  # the other files are still fixed
    refusals = [line for line in outcome.stderr.splitlines() if "read-only" in line]
    assert refusals == [f"bncheck: {path}: read-only file (mode 0444); not fixed"]
    assert "Traceback" not in outcome.stderr and _leftovers(tmp_path) == []


def test_a_file_edited_after_planning_is_not_overwritten(tmp_path: Path) -> None:
    """Was broken: the file was read early and written late, and the user's edit was lost."""
    path = _script(tmp_path)
    plans = plan_fixes(lint_paths([path], LintConfig()).findings)
    edited = BROKEN + "# the user's edit\n"
    path.write_text(edited, encoding="utf-8")
    outcome = write_fix(plans[0])
    assert not outcome.written and not outcome.refused
    assert outcome.problem == "changed since bncheck read it; not fixed (run --fix again)"
    assert path.read_text(encoding="utf-8") == edited
    assert _leftovers(tmp_path) == []


def test_a_file_modified_after_lint_started_is_not_fixed_from_stale_findings(tmp_path: Path) -> None:
    path = _script(tmp_path)
    started = time.time_ns()
    findings = lint_paths([path], LintConfig()).findings
    time.sleep(0.05)  # past the file system's clock tick, so that the edit's time is after the start
    path.write_text(BROKEN + "# edited while lint ran\n", encoding="utf-8")
    plans = plan_fixes(findings, read_since_ns=started)
    assert plans[0].codes == ()
    assert [u.reason for u in plans[0].unfixable] == ["the file changed after bncheck read it; run again"]


def test_a_modification_time_in_the_future_is_not_taken_for_an_edit(tmp_path: Path) -> None:
    """A folder mounted from a machine whose clock runs ahead: its files must still be fixed."""
    path = _script(tmp_path)
    ahead = time.time_ns() + 3600 * 10**9
    os.utime(path, ns=(ahead, ahead))
    started = time.time_ns()
    plans = plan_fixes(lint_paths([path], LintConfig()).findings, read_since_ns=started)
    assert plans[0].codes == ("BN001",)


# a child process: --fix with one write step replaced by a signal to itself, then the real step
_SIGNALLED = textwrap.dedent(
    """
    import os, signal, sys
    from bncheck.cli import main

    step, signum = sys.argv[1], getattr(signal, sys.argv[2])
    real = getattr(os, step)

    def signalled(*args):
        os.kill(os.getpid(), signum)
        return real(*args)

    setattr(os, step, signalled)
    main(["lint", "--isolated", "--fix", *sys.argv[3:]])
    """
)


def _run_signalled(tmp_path: Path, step: str, signame: str, *paths: Path) -> subprocess.CompletedProcess:
    script = tmp_path / "child.txt"
    script.write_text(_SIGNALLED, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script), step, signame, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )


@pytest.mark.parametrize("signame, status", [("SIGTERM", -signal.SIGTERM), ("SIGINT", 130)])
def test_a_signal_while_writing_the_copy_leaves_no_temporary_file(tmp_path: Path, signame, status) -> None:
    """Was broken: Ctrl-C or SIGTERM left `.train.py.*.bncheck` files in the user's tree."""
    folder = tmp_path / "src"
    folder.mkdir()
    path = _script(folder)
    completed = _run_signalled(tmp_path, "fsync", signame, path)
    assert completed.returncode == status, completed.stderr
    assert _leftovers(folder) == []
    assert path.read_text(encoding="utf-8") == BROKEN
    assert "Traceback" not in completed.stderr


def test_sigterm_during_the_rename_waits_until_the_file_is_whole(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    first, second = _script(folder, "a.py"), _script(folder, "b.py")
    completed = _run_signalled(tmp_path, "replace", "SIGTERM", first, second)
    assert completed.returncode == -signal.SIGTERM, completed.stderr
    assert WRAPPED in first.read_text(encoding="utf-8")  # the file being replaced was finished
    assert second.read_text(encoding="utf-8") == BROKEN  # and the run stopped there
    assert _leftovers(folder) == []


def test_a_writable_file_in_a_folder_closed_to_new_files_is_fixed_in_place(tmp_path, monkeypatch) -> None:
    import tempfile

    path = _script(tmp_path)
    inode = path.stat().st_ino
    plans = plan_fixes(lint_paths([path], LintConfig()).findings)
    real = tempfile.mkstemp
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def folder_refuses(*args, dir=None, **kwargs):  # noqa: A002 - mkstemp's own keyword
        if dir is not None:
            raise PermissionError(13, "Permission denied")
        return real(*args, dir=elsewhere, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", folder_refuses)
    assert write_fix(plans[0]).written
    assert WRAPPED in path.read_text(encoding="utf-8") and path.stat().st_ino == inode
    assert _leftovers(tmp_path) == [] and list(elsewhere.iterdir()) == []


def test_fixed_text_that_would_read_back_differently_is_not_written(tmp_path: Path) -> None:
    """A coding declaration pushed off the first two lines would change how Python decodes the file."""
    from dataclasses import replace

    path = tmp_path / "latin.py"
    source = "# -*- coding: latin-1 -*-\n" + BROKEN + "name = 'caf\xe9'\n"
    path.write_bytes(source.encode("latin-1"))
    plans = plan_fixes(lint_paths([path], LintConfig()).findings)
    assert plans[0].encoding == "iso-8859-1" and plans[0].codes == ("BN001",)
    shifted = replace(plans[0], after="\n\n" + plans[0].after)  # the declaration now on line 3
    outcome = write_fix(shifted)
    assert not outcome.written and "does not read back the same" in outcome.problem
    assert path.read_bytes() == source.encode("latin-1")
    assert write_fix(plans[0]).written
    assert WRAPPED in path.read_bytes().decode("latin-1") and "caf\xe9" in path.read_bytes().decode("latin-1")


def test_fix_keeps_extended_attributes(tmp_path: Path, capsys) -> None:
    path = _script(tmp_path)
    try:
        os.setxattr(path, "user.origin", b"checked-out")
    except (AttributeError, OSError):
        pytest.skip("this file system keeps no user extended attributes")
    outcome = run_cli(capsys, "lint", "--isolated", "--fix", str(path))
    assert outcome.code == 0, outcome
    assert WRAPPED in path.read_text(encoding="utf-8")
    assert os.getxattr(path, "user.origin") == b"checked-out"
