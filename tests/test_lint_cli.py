"""`bncheck lint` on the command line: formats, exit codes, selection, excludes, statistics, flake8."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import bncheck.lint.rules  # noqa: F401 - registers the lint rules, so that LINT_RULES holds them
from bncheck.lint.rulebase import LINT_RULES
from tests.helpers_cli import run_cli

SCRIPT = (
    "import tensorflow.compat.v1 as tf\n"
    "h = tf.layers.batch_normalization(x, training=True)\n"
    "op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))\n"
    "saver = tf.train.Saver(tf.trainable_variables())\n"
)
CLEAN = (
    "import tensorflow.compat.v1 as tf\n"
    "h = tf.layers.batch_normalization(x, training=True)\n"
    "with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
    "    op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))\n"
)


def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "src" / "clean.py").write_text(CLEAN, encoding="utf-8")
    return tmp_path / "src"


def test_text_output_is_path_line_col_code_message_and_exit_1(tmp_path: Path, capsys) -> None:
    src = project(tmp_path)
    outcome = run_cli(capsys, "lint", str(src))
    assert outcome.code == 1
    lines = outcome.stdout.splitlines()
    assert [line.split(" ")[0] for line in lines] == [f"{src / 'train.py'}:3:6:", f"{src / 'train.py'}:4:9:"]
    assert [line.split(" ")[1] for line in lines] == ["BN001", "BN003"]
    assert outcome.stderr == (
        "bncheck: 2 findings (2 errors) in 2 files; `bncheck explain CODE` explains one\n"
        "bncheck: [*] 2 fixable with --fix (preview with --diff)\n"
    )


def test_clean_files_exit_0_and_missing_path_exits_2(tmp_path: Path, capsys) -> None:
    src = project(tmp_path)
    assert run_cli(capsys, "lint", str(src / "clean.py")).code == 0
    missing = run_cli(capsys, "lint", str(tmp_path / "nope.py"))
    assert missing.code == 2
    assert missing.stderr.strip() == f"bncheck: error: {tmp_path / 'nope.py'}: no such file or directory"
    bad_code = run_cli(capsys, "lint", "--select", "X1", str(src))
    assert bad_code.code == 2 and "not a bncheck rule code" in bad_code.stderr


def test_json_format_follows_the_findings_schema(tmp_path: Path, capsys) -> None:
    outcome = run_cli(capsys, "lint", "--format", "json", str(project(tmp_path)))
    document = json.loads(outcome.stdout)
    assert document["command"] == "lint" and document["files"] == 2
    assert document["summary"]["findings"] == 2 and document["summary"]["error"] == 2
    assert [(f["code"], f["line"]) for f in document["findings"]] == [("BN001", 3), ("BN003", 4)]


def test_sarif_format_lists_every_lint_rule_and_the_results(tmp_path: Path, capsys) -> None:
    outcome = run_cli(capsys, "lint", "--format", "sarif", str(project(tmp_path)))
    run = json.loads(outcome.stdout)["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(LINT_RULES)
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]
    ] == [("BN001", 3), ("BN003", 4)]
    assert run["results"][0]["ruleIndex"] == 1


def test_github_format_prints_workflow_annotations(tmp_path: Path, capsys) -> None:
    outcome = run_cli(capsys, "lint", "--format", "github", str(project(tmp_path)))
    lines = outcome.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::error file=") and ",line=3,col=6,title=BN001::" in lines[0]


def test_select_ignore_and_extend_select_on_the_command_line(tmp_path: Path, capsys) -> None:
    src = project(tmp_path)
    only = run_cli(capsys, "lint", "--select", "BN003", str(src))
    assert [line.split(" ")[1] for line in only.stdout.splitlines()] == ["BN003"]
    ignored = run_cli(capsys, "lint", "--ignore", "BN001,BN003", str(src))
    assert ignored.code == 0 and ignored.stdout == ""
    extended = run_cli(capsys, "lint", "--extend-select", "BN010", str(src))
    assert sorted(line.split(" ")[1] for line in extended.stdout.splitlines()) == [
        "BN001",
        "BN003",
        "BN010",
        "BN010",
    ]


def test_default_and_given_excludes_skip_folders(tmp_path: Path, capsys) -> None:
    src = project(tmp_path)
    for folder in (".venv", "build", "node_modules", "generated"):
        (src / folder).mkdir()
        (src / folder / "copy.py").write_text(SCRIPT, encoding="utf-8")
    outcome = run_cli(capsys, "lint", "--extend-exclude", "generated", "--format", "json", str(src))
    document = json.loads(outcome.stdout)
    assert document["files"] == 2
    assert {Path(f["path"]).name for f in document["findings"]} == {"train.py"}
    # --exclude replaces the default excludes, as in ruff and flake8
    replaced = json.loads(
        run_cli(capsys, "lint", "--exclude", "generated", "--format", "json", str(src)).stdout
    )
    assert replaced["files"] == 5


def test_statistics_counts_findings_per_rule(tmp_path: Path, capsys) -> None:
    src = project(tmp_path)
    (src / "second.py").write_text(SCRIPT, encoding="utf-8")
    outcome = run_cli(capsys, "lint", "--statistics", str(src))
    stats = [line for line in outcome.stdout.splitlines() if not line.startswith(str(src))]
    assert [line.split()[:2] for line in stats] == [["2", "BN001"], ["2", "BN003"]]


def test_jobs_and_no_prefilter_give_the_same_output(tmp_path: Path, capsys) -> None:
    src = project(tmp_path)
    for index in range(12):
        (src / f"copy{index}.py").write_text(SCRIPT, encoding="utf-8")
    serial = run_cli(capsys, "lint", str(src)).stdout
    assert run_cli(capsys, "lint", "-j", "2", str(src)).stdout == serial
    assert run_cli(capsys, "lint", "--no-prefilter", str(src)).stdout == serial
    assert len(serial.splitlines()) == 26


def test_rules_and_explain_show_the_lint_rules(capsys) -> None:
    listing = run_cli(capsys, "rules", "--format", "json")
    rules = {rule["code"]: rule for rule in json.loads(listing.stdout)}
    assert all(rules[code]["face"] == "lint" for code in LINT_RULES)
    explained = run_cli(capsys, "explain", "BN001")
    assert explained.code == 0
    for section in ("What it finds", "Why it is a bug", "Example", "Use instead", "Fix"):
        assert f"\n{section}\n" in explained.stdout
    assert "control_dependencies" in explained.stdout


def test_flake8_select_bn_runs_the_same_rules(tmp_path: Path) -> None:
    pytest.importorskip("flake8")
    path = tmp_path / "train.py"
    path.write_text(SCRIPT, encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "BN", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 1, completed.stderr
    assert [line.split(" ")[:2] for line in completed.stdout.splitlines()] == [
        [f"{path}:3:6:", "BN001"],
        [f"{path}:4:9:", "BN003"],
    ]
    path.write_text(SCRIPT.replace("minimize(tf.reduce_sum(h))", "minimize(tf.reduce_sum(h))  # noqa: BN001"))
    again = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "BN", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert [line.split(" ")[1] for line in again.stdout.splitlines()] == ["BN003"]


def test_pre_commit_hook_definition_runs_bncheck_lint() -> None:
    text = (Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "- id: bncheck-lint\n" in text and "types: [python]" in text
    # pre-commit names every staged file: the configured excludes must apply to them too
    assert (
        "entry: bncheck lint --force-exclude\n" in text
        and "entry: bncheck lint --force-exclude --fix\n" in text
    )


def test_statistics_with_json_keeps_stdout_one_document(tmp_path: Path, capsys) -> None:
    outcome = run_cli(capsys, "lint", "--format", "json", "--statistics", str(project(tmp_path)))
    assert json.loads(outcome.stdout)["summary"]["findings"] == 2
    assert "BN001" in outcome.stderr and "BN003" in outcome.stderr


def test_syntax_errors_are_reported_whatever_the_selection_unless_ignored(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import tensorflow as tf\nop = opt.minimize(loss\n", encoding="utf-8")
    selected = run_cli(capsys, "lint", "--select", "BN003", str(broken))
    assert selected.code == 1 and " BN000 syntax error" in selected.stdout
    assert run_cli(capsys, "lint", "--ignore", "BN000", str(broken)).code == 0
