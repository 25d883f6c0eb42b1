"""`bncheck lint` behaves as ruff and flake8 users expect: codes, ignores, excludes, .gitignore, stdin."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from bncheck.errors import InputError
from bncheck.lint.config import MAX_JOBS, check_jobs, load_config
from tests.helpers_cli import run_cli

SCRIPT = (
    "import tensorflow.compat.v1 as tf\n"
    "h = tf.layers.batch_normalization(x, training=True)\n"
    "op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))\n"
    "saver = tf.train.Saver(tf.trainable_variables())\n"
)


def _write(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(SCRIPT, encoding="utf-8")


def _found(capsys, *args: str) -> list[tuple[str, str]]:
    """(path relative to the cwd, code) of every finding of a json run."""
    outcome = run_cli(capsys, "lint", "--format", "json", *args)
    assert outcome.code in (0, 1), outcome.stderr
    return sorted((os.path.relpath(f["path"]), f["code"]) for f in json.loads(outcome.stdout)["findings"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "BN999"], "--select: unknown rule code 'BN999'; did you mean BN009?"),
        (["--select", "BN101"], "--select: 'BN101' is not a lint rule: `bncheck audit` reports it"),
        (["--ignore", "BN2"], "--ignore: 'BN2' selects no lint rule"),
        (["--extend-select", "bn0100"], "'BN0100' is not a bncheck rule code"),
        (["--extend-ignore", "BN001,BN4"], "--extend-ignore: unknown rule code 'BN4'; did you mean BN004?"),
        (["--per-file-ignores", "a.py:BN998"], "--per-file-ignores: unknown rule code 'BN998'"),
        (["--per-file-ignores", "a.py"], "expected PATTERN:CODES"),
    ],
)
def test_unknown_or_wrong_face_codes_on_the_command_line_exit_2(tmp_path, capsys, args, expected) -> None:
    _write(tmp_path, "train.py")
    outcome = run_cli(capsys, "lint", *args, str(tmp_path))
    assert outcome.code == 2 and outcome.stdout == ""
    assert outcome.stderr.startswith("bncheck: error: ") and expected in outcome.stderr
    assert len(outcome.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('select = ["BN999"]', "`select`: unknown rule code 'BN999'; did you mean BN009?"),
        ('ignore = ["BN101"]', "`ignore`: 'BN101' is not a lint rule"),
        ('extend-ignore = ["BN2"]', "`extend-ignore`: 'BN2' selects no lint rule"),
        ('[tool.bncheck.per-file-ignores]\n"a.py" = ["BN204"]', "'BN204' is not a lint rule"),
        ("jobs = true", "`jobs` must be a whole number"),
        ("jobs = 1.9", "`jobs` must be a whole number"),
        ('jobs = "3"', "`jobs` must be a whole number"),
        ("jobs = 100000", f"`jobs` must be from 0 (one per CPU) to {MAX_JOBS}, not 100000"),
        ("jobs = -1", "`jobs` must be from 0"),
        ('force-exclude = "yes"', "`force-exclude` must be true or false"),
    ],
)
def test_bad_config_values_are_one_clear_error(tmp_path, capsys, table: str, expected: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.bncheck]\n{table}\n", encoding="utf-8")
    _write(tmp_path, "train.py")
    with pytest.raises(InputError, match=None) as raised:
        load_config(tmp_path / "pyproject.toml")
    assert expected in str(raised.value) and "pyproject.toml" in str(raised.value)
    outcome = run_cli(capsys, "lint", str(tmp_path))
    assert outcome.code == 2 and expected in outcome.stderr


def test_jobs_are_capped_at_the_cpu_count(tmp_path, capsys) -> None:
    cpus = os.cpu_count() or 1
    assert check_jobs(1000, "--jobs") == cpus and check_jobs(0, "--jobs") == 0 and check_jobs(1, "x") == 1
    (tmp_path / "setup.cfg").write_text("[bncheck]\njobs = 1000\n", encoding="utf-8")
    assert load_config(tmp_path / "setup.cfg").jobs == cpus
    _write(tmp_path, "train.py")
    assert run_cli(capsys, "lint", "-j", "1000", str(tmp_path)).code == 1
    too_many = run_cli(capsys, "lint", "-j", "5000", str(tmp_path))
    assert too_many.code == 2 and f"--jobs must be from 0 (one per CPU) to {MAX_JOBS}" in too_many.stderr


def test_extend_ignore_and_per_file_ignores_on_the_command_line(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "pkg/a.py", "pkg/b.py")
    assert _found(capsys, "--extend-ignore", "BN003", ".") == [("pkg/a.py", "BN001"), ("pkg/b.py", "BN001")]
    assert _found(capsys, "--per-file-ignores", "pkg/a.py:BN001,BN003", ".") == [
        ("pkg/b.py", "BN001"),
        ("pkg/b.py", "BN003"),
    ]
    assert _found(capsys, "--per-file-ignores", "b.py:BN003", "--per-file-ignores", "pkg/*:BN001", ".") == [
        ("pkg/a.py", "BN003")
    ]


def test_config_patterns_are_relative_to_the_config_folder_wherever_bncheck_starts(
    tmp_path, capsys, monkeypatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.bncheck]\nextend-exclude = ["pkg/generated"]\n'
        '[tool.bncheck.per-file-ignores]\n"pkg/*.py" = ["BN001"]\n',
        encoding="utf-8",
    )
    _write(tmp_path, "pkg/train.py", "pkg/generated/copy.py", "top.py")
    monkeypatch.chdir(tmp_path)
    from_root = _found(capsys, ".")
    assert from_root == [("pkg/train.py", "BN003"), ("top.py", "BN001"), ("top.py", "BN003")]
    monkeypatch.chdir(tmp_path / "pkg")
    assert _found(capsys, ".") == [("train.py", "BN003")]
    # a command-line pattern is relative to the current folder, and rebased onto the config's
    assert (
        _found(capsys, "--per-file-ignores", "train.py:BN003", "--extend-exclude", "./generated", ".") == []
    )


def test_exclude_replaces_the_defaults_and_extend_exclude_adds(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "train.py", "build/copy.py", "gen/copy.py")
    assert {path for path, _ in _found(capsys, ".")} == {"gen/copy.py", "train.py"}
    assert {path for path, _ in _found(capsys, "--extend-exclude", "gen", ".")} == {"train.py"}
    assert {path for path, _ in _found(capsys, "--exclude", "gen", ".")} == {"build/copy.py", "train.py"}


def test_force_exclude_skips_excluded_files_named_explicitly(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "build/gen.py", "third_party/lib/x.py", "train.py")
    named = ["build/gen.py", "third_party/lib/x.py", "train.py"]
    assert {path for path, _ in _found(capsys, *named)} == set(named)
    forced = _found(capsys, "--force-exclude", "--extend-exclude", "third_party", *named)
    assert {path for path, _ in forced} == {"train.py"}
    (tmp_path / "pyproject.toml").write_text("[tool.bncheck]\nforce-exclude = true\n", encoding="utf-8")
    assert {path for path, _ in _found(capsys, *named)} == {"third_party/lib/x.py", "train.py"}
    assert {path for path, _ in _found(capsys, "--no-force-exclude", *named)} == set(named)


def test_gitignore_is_respected_inside_a_repository(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n*_pb2.py\n!keep_pb2.py\n", encoding="utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / ".gitignore").write_text("scratch.py\n", encoding="utf-8")
    _write(
        tmp_path, "train.py", "generated/a.py", "model_pb2.py", "keep_pb2.py", "src/scratch.py", "src/b.py"
    )
    assert {path for path, _ in _found(capsys, ".")} == {"train.py", "keep_pb2.py", "src/b.py"}
    assert {path for path, _ in _found(capsys, "src")} == {"src/b.py"}
    unfiltered = {path for path, _ in _found(capsys, "--no-respect-gitignore", ".")}
    assert unfiltered == {
        "train.py",
        "generated/a.py",
        "model_pb2.py",
        "keep_pb2.py",
        "src/scratch.py",
        "src/b.py",
    }
    # a folder named explicitly is linted even when git ignores it, with the rules inside it
    (tmp_path / "generated" / ".gitignore").write_text("skip.py\n", encoding="utf-8")
    _write(tmp_path, "generated/skip.py")
    assert {path for path, _ in _found(capsys, "generated")} == {"generated/a.py"}
    assert _found(capsys, "--force-exclude", "generated") == []
    # a file named explicitly is linted unless --force-exclude
    assert {path for path, _ in _found(capsys, "model_pb2.py")} == {"model_pb2.py"}
    assert _found(capsys, "--force-exclude", "model_pb2.py") == []


def test_gitignore_outside_a_repository_is_not_read(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".gitignore").write_text("*.py\n", encoding="utf-8")
    _write(tmp_path, "train.py")
    assert {path for path, _ in _found(capsys, ".")} == {"train.py"}


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_dash_reads_stdin_named_by_stdin_filename(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _stdin(monkeypatch, SCRIPT.encode())
    outcome = run_cli(capsys, "lint", "-", "--stdin-filename", "pkg/train.py")
    assert outcome.code == 1
    assert [line.split(" ")[:2] for line in outcome.stdout.splitlines()] == [
        ["pkg/train.py:3:6:", "BN001"],
        ["pkg/train.py:4:9:", "BN003"],
    ]
    _stdin(monkeypatch, SCRIPT.encode())
    assert run_cli(capsys, "lint", "-").stdout.startswith("-:3:6: BN001 ")
    _stdin(monkeypatch, SCRIPT.encode())
    ignored = run_cli(capsys, "lint", "--per-file-ignores", "pkg/*:BN", "-", "--stdin-filename", "pkg/t.py")
    assert ignored.code == 0 and ignored.stdout == ""
    _stdin(monkeypatch, SCRIPT.encode())
    forced = run_cli(capsys, "lint", "--force-exclude", "-", "--stdin-filename", "build/t.py")
    assert forced.code == 0 and forced.stdout == ""
    mixed = run_cli(capsys, "lint", "-", "train.py")
    assert mixed.code == 2 and "cannot be combined" in mixed.stderr
    orphan = run_cli(capsys, "lint", "--stdin-filename", "x.py", ".")
    assert orphan.code == 2 and "give `-` as the path" in orphan.stderr


def test_quiet_prints_only_the_findings(tmp_path, capsys) -> None:
    _write(tmp_path, "train.py")
    loud = run_cli(capsys, "lint", str(tmp_path))
    quiet = run_cli(capsys, "lint", "--quiet", str(tmp_path))
    assert (
        quiet.stdout == loud.stdout and loud.stderr.startswith("bncheck: 2 findings") and quiet.stderr == ""
    )


def test_folder_walk_skips_pipes_and_folder_links_and_keeps_broken_links(
    tmp_path, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "proj/a/train.py", "proj/b/c/train.py")
    os.mkfifo(tmp_path / "proj" / "pipe.py")  # reading it would block: the walk must not open it
    (tmp_path / "proj" / "loop").symlink_to(tmp_path / "proj")  # a link to a folder is not followed
    (tmp_path / "proj" / "a" / "same.py").symlink_to(tmp_path / "proj" / "a" / "train.py")
    (tmp_path / "proj" / "gone.py").symlink_to(tmp_path / "nowhere.py")
    (tmp_path / "alias").symlink_to(tmp_path / "proj")  # the same folder under a second name
    outcome = run_cli(capsys, "lint", "--format", "json", "proj", "alias")
    document = json.loads(outcome.stdout)
    found = sorted({(f["path"], f["code"]) for f in document["findings"]})
    # the link and its target are one file, reported under the name the walk meets first
    assert found == [
        ("proj/a/same.py", "BN001"),
        ("proj/a/same.py", "BN003"),
        ("proj/b/c/train.py", "BN001"),
        ("proj/b/c/train.py", "BN003"),
        ("proj/gone.py", "BN000"),
    ]
    assert document["files"] == 3


def test_one_file_named_twice_is_linted_once(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "dang/ok.py")
    (tmp_path / "link.py").symlink_to(tmp_path / "dang" / "ok.py")
    outcome = run_cli(
        capsys, "lint", "--format", "json", "dang/ok.py", "dang/../dang/ok.py", "dang", "link.py"
    )
    document = json.loads(outcome.stdout)
    assert document["files"] == 1
    assert [(f["path"], f["code"]) for f in document["findings"]] == [
        ("dang/ok.py", "BN001"),
        ("dang/ok.py", "BN003"),
    ]
