"""Every command on a table of bad inputs: exit 2, one stderr line, no traceback, nothing written.

The cases run in one child process (``tests.robust_worker``) whose fds 1 and 2 are
captured per case, so TensorFlow's native log lines would count against the
one-line rule just as a user would see them.  Each case gets its own folder; every
file in it is hashed (sha256) and stat'ed before and after.
"""

from __future__ import annotations

import os
from pathlib import Path

from bncheck.cli import COMMANDS
from tests.helpers_fs import folder_state
from tests.robust_worker import run_batch
from tests import requires

TRIED: dict[str, int] = {}

BROKEN_TOML = b'name = "x"\n[input\nshape = [2, 3]\n'
SCENARIO_MISSING_KEYS = b'name = "only-a-name"\n'
PYPROJECT_BAD = b"[tool.bncheck]\nselect = 3\n"
PYPROJECT_UNPARSABLE = b'[tool.bncheck\nselect = ["BN001"]\n'
TRAIN = b"import tensorflow.compat.v1 as tf\ntrain_op = tf.train.AdamOptimizer(0.1).minimize(loss)\n"
LONG_NAME = "n" * 5000

# (case id, command line with {d} for the case folder, files to create there, text the one line must hold)
BAD_INPUTS: list[tuple[str, list[str], dict[str, bytes | str], str]] = [
    # run
    ("run-unknown-scenario", ["run", "no-such-scenario"], {}, "no-such-scenario"),
    ("run-missing-file", ["run", "{d}/missing.toml"], {}, "missing.toml"),
    ("run-unparsable-toml", ["run", "{d}/broken.toml"], {"broken.toml": BROKEN_TOML}, "broken.toml"),
    (
        "run-scenario-missing-keys",
        ["run", "{d}/thin.toml"],
        {"thin.toml": SCENARIO_MISSING_KEYS},
        "thin.toml",
    ),
    ("run-binary-toml", ["run", "{d}/bin.toml"], {"bin.toml": bytes(range(256))}, "bin.toml"),
    ("run-empty-toml", ["run", "{d}/empty.toml"], {"empty.toml": b""}, "empty.toml"),
    ("run-directory", ["run", "{d}"], {"a.txt": b"x"}, ""),
    ("run-bad-device", ["run", "missing-update-ops", "--device", "tpu"], {}, "--device"),
    ("run-bad-format", ["run", "missing-update-ops", "--format", "xml"], {}, "--format"),
    ("run-bad-set", ["run", "missing-update-ops", "--set", "no-equals-sign"], {}, "no-equals-sign"),
    ("run-bad-steps", ["run", "missing-update-ops", "--steps", "-5"], {}, "--steps"),
    ("run-no-scenario", ["run"], {}, ""),
    ("run-named-pipe", ["run", "{d}/s.toml"], {"s.toml": "<fifo>"}, "s.toml"),
    ("run-device", ["run", "/dev/zero"], {}, "/dev/zero"),
    # list
    ("list-bad-format", ["list", "--format", "xml"], {}, "--format"),
    ("list-unknown-option", ["list", "--colour"], {}, "--colour"),
    ("list-extra-argument", ["list", "extra"], {}, "extra"),
    # audit
    ("audit-missing", ["audit", "{d}/model.ckpt-1"], {}, "model.ckpt-1"),
    ("audit-empty-folder", ["audit", "{d}/run"], {"run/": ""}, "run"),
    ("audit-text-file", ["audit", "{d}/notes.txt"], {"notes.txt": b"hello\n"}, "notes.txt"),
    ("audit-python-file", ["audit", "{d}/train.py"], {"train.py": TRAIN}, "train.py"),
    ("audit-empty-h5", ["audit", "{d}/model.h5"], {"model.h5": b""}, "model.h5"),
    (
        "audit-garbage-keras",
        ["audit", "{d}/model.keras"],
        {"model.keras": b"PK\x03\x04garbage"},
        "model.keras",
    ),
    ("audit-long-name", ["audit", "{d}/" + LONG_NAME], {}, "nnnn"),
    ("audit-bad-fail-on", ["audit", "--fail-on", "fatal", "{d}/x"], {}, "--fail-on"),
    ("audit-no-path", ["audit"], {}, ""),
    ("audit-named-pipe", ["audit", "{d}/model.h5"], {"model.h5": "<fifo>"}, "model.h5"),
    ("audit-device", ["audit", "/dev/zero"], {}, "/dev/zero"),
    ("audit-output-file-folder-missing", ["audit", "-o", "{d}/no/r.json", "{d}/x"], {}, "r.json"),
    # lint
    ("lint-missing", ["lint", "{d}/missing.py"], {}, "missing.py"),
    ("lint-bad-select", ["lint", "--select", "XY12", "{d}/train.py"], {"train.py": TRAIN}, "XY12"),
    (
        "lint-bad-target-version",
        ["lint", "--target-version", "latest", "{d}/train.py"],
        {"train.py": TRAIN},
        "latest",
    ),
    ("lint-negative-jobs", ["lint", "--jobs", "-1", "{d}/train.py"], {"train.py": TRAIN}, "--jobs"),
    (
        "lint-missing-config",
        ["lint", "--config", "{d}/nope.toml", "{d}/train.py"],
        {"train.py": TRAIN},
        "nope.toml",
    ),
    (
        "lint-unparsable-config",
        ["lint", "--config", "{d}/pyproject.toml", "{d}/train.py"],
        {"train.py": TRAIN, "pyproject.toml": PYPROJECT_UNPARSABLE},
        "pyproject.toml",
    ),
    (
        "lint-wrong-type-in-config",
        ["lint", "{d}/train.py"],
        {"train.py": TRAIN, "pyproject.toml": PYPROJECT_BAD},
        "select",
    ),
    ("lint-bad-format", ["lint", "--format", "xml", "{d}/train.py"], {"train.py": TRAIN}, "--format"),
    # a typo or another command's code selected nothing, and CI went green
    (
        "lint-unknown-code",
        ["lint", "--select", "BN999", "{d}/train.py"],
        {"train.py": TRAIN},
        "did you mean BN009",
    ),
    ("lint-audit-code", ["lint", "--select", "BN101", "{d}/train.py"], {"train.py": TRAIN}, "bncheck audit"),
    (
        "lint-unknown-code-in-config",
        ["lint", "{d}/train.py"],
        {"train.py": TRAIN, "pyproject.toml": b'[tool.bncheck]\nignore = ["BN999"]\n'},
        "BN999",
    ),
    (
        "lint-jobs-100000-in-config",
        ["lint", "{d}/train.py"],
        {"train.py": TRAIN, "pyproject.toml": b"[tool.bncheck]\njobs = 100000\n"},
        "jobs",
    ),
    ("lint-jobs-5000", ["lint", "-j", "5000", "{d}/train.py"], {"train.py": TRAIN}, "--jobs"),
    ("lint-per-file-ignores-no-codes", ["lint", "--per-file-ignores", "x.py", "{d}"], {}, "PATTERN:CODES"),
    ("lint-stdin-and-paths", ["lint", "-", "{d}/train.py"], {"train.py": TRAIN}, "stdin"),
    ("lint-output-file-folder-missing", ["lint", "-o", "{d}/no/r.txt", "{d}"], {}, "r.txt"),
    # found by this suite: an internal error, and a named pipe or device linted as "0 file(s)", exit 0
    ("lint-long-name", ["lint", "{d}/" + LONG_NAME], {}, "nnnn"),
    ("lint-fix-missing", ["lint", "--fix", "{d}/missing.py"], {}, "missing.py"),
    ("lint-named-pipe", ["lint", "{d}/x.py"], {"x.py": "<fifo>"}, "x.py"),
    ("lint-device", ["lint", "/dev/zero"], {}, "/dev/zero"),
    # graph
    ("graph-missing", ["graph", "{d}/model.meta"], {}, "model.meta"),
    ("graph-empty", ["graph", "{d}/model.meta"], {"model.meta": b""}, "model.meta"),
    ("graph-directory", ["graph", "{d}/run"], {"run/": ""}, "run"),
    ("graph-text-file", ["graph", "{d}/notes.txt"], {"notes.txt": b"hello\n"}, "notes.txt"),
    (
        "graph-bad-fail-on",
        ["graph", "--fail-on", "fatal", "{d}/model.meta"],
        {"model.meta": b""},
        "--fail-on",
    ),
    ("graph-long-name", ["graph", "{d}/" + LONG_NAME], {}, "nnnn"),
    ("graph-output-file-is-folder", ["graph", "-o", "{d}", "{d}/model.meta"], {"model.meta": b""}, "folder"),
    ("graph-named-pipe", ["graph", "{d}/model.meta"], {"model.meta": "<fifo>"}, "model.meta"),
    ("graph-device", ["graph", "/dev/zero"], {}, "/dev/zero"),
    # trace
    ("trace-no-command", ["trace"], {}, ""),
    ("trace-missing-script", ["trace", "--", "python", "{d}/missing.py"], {}, "missing.py"),
    (
        "trace-broken-script",
        ["trace", "--", "python", "{d}/broken.py"],
        {"broken.py": b"def f(:\n"},
        "broken.py",
    ),
    ("trace-python-c", ["trace", "--", "python", "-c", "print(1)"], {}, "-c"),
    ("trace-python-m-alone", ["trace", "--", "python", "-m"], {}, "-m"),
    # found by this suite: a missing module printed bncheck's own traceback and exit 1
    ("trace-missing-module", ["trace", "--", "python", "-m", "no_such_module_xyz"], {}, "no_such_module_xyz"),
    (
        "trace-zero-max-steps",
        ["trace", "--max-steps", "0", "--", "python", "{d}/t.py"],
        {"t.py": b"x = 1\n"},
        "--max-steps",
    ),
    ("trace-script-is-folder", ["trace", "--", "python", "{d}/run"], {"run/": ""}, "run"),
    # found by this suite: an unwritable --report was an internal error, after the whole run
    (
        "trace-report-folder-missing",
        ["trace", "--report", "{d}/no/such/r.txt", "--", "python", "{d}/t.py"],
        {"t.py": b"x = 1\n"},
        "r.txt",
    ),
    (
        "trace-report-unwritable",
        ["trace", "--report", "/proc/bncheck-report.txt", "--", "python", "{d}/t.py"],
        {"t.py": b"x = 1\n"},
        "bncheck-report.txt",
    ),
    ("trace-long-name", ["trace", "--", "python", "{d}/" + LONG_NAME + ".py"], {}, "nnnn"),
    ("trace-a-program-not-a-script", ["trace", "--", "ls"], {}, "not a Python script"),
    # explain, rules and the group itself
    ("explain-unknown-code", ["explain", "BN999"], {}, "BN999"),
    ("explain-garbage", ["explain", "\x00\n;rm"], {}, ""),
    ("explain-no-code", ["explain"], {}, ""),
    ("rules-bad-format", ["rules", "--format", "xml"], {}, "--format"),
    ("unknown-command", ["lnit", "{d}"], {}, "lnit"),
    ("unknown-global-option", ["--colour", "lint"], {}, "--colour"),
]


@requires.tf
def test_every_command_rejects_bad_input_in_one_line_and_writes_nothing(tmp_path):
    cases, folders, before = [], {}, {}
    for case_id, args, files, _ in BAD_INPUTS:
        folder = tmp_path / case_id
        folder.mkdir()
        for name, content in files.items():
            if name.endswith("/"):
                (folder / name).mkdir()
            elif content == "<fifo>":
                os.mkfifo(folder / name)
            else:
                (folder / name).write_bytes(content)
        folders[case_id] = folder
        before[case_id] = folder_state(folder)
        cases.append(
            {
                "id": case_id,
                "args": [arg.replace("{d}", str(folder)) for arg in args],
                "cwd": str(folder),
                "alarm_s": 60,
            }
        )
    results = run_batch(cases, _work(tmp_path), budget_s=200)
    failures = []
    for case_id, _, _, expected in BAD_INPUTS:
        command = case_id.split("-")[0] if case_id.split("-")[0] in COMMANDS else "cli"
        TRIED[f"bad input {command}"] = TRIED.get(f"bad input {command}", 0) + 1
        result = results[case_id]
        try:
            assert result.code == 2, (result.code, result.stdout[:200], result.stderr[:400])
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr[:600]
            assert "Traceback" not in result.stderr and "internal error" not in result.stderr, lines[0]
            assert lines[0].startswith(("bncheck: error: ", "bncheck: ")), lines[0]
            assert expected in lines[0], (expected, lines[0][:300])
            assert folder_state(folders[case_id]) == before[case_id], (
                "a file under the input's folder changed"
            )
        except AssertionError as error:
            failures.append(f"{case_id}: {' '.join(str(error).split())[:400]}")
    assert not failures, f"{len(failures)} of {len(BAD_INPUTS)} bad inputs misbehaved:\n" + "\n".join(
        failures
    )


def _work(tmp_path: Path) -> Path:
    work = tmp_path.parent / f"{tmp_path.name}-worker"
    work.mkdir(exist_ok=True)
    return work


def test_the_bad_input_table_covers_every_command_once_per_case():
    ids = [case_id for case_id, _, _, _ in BAD_INPUTS]
    assert len(ids) == len(set(ids)), [case_id for case_id in ids if ids.count(case_id) > 1]
    covered = {case_id.split("-")[0] for case_id in ids}
    assert set(COMMANDS) <= covered, f"commands without a bad input: {sorted(set(COMMANDS) - covered)}"
