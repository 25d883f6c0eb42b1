"""``--fix`` and ``--diff``: BN001 and BN003 rewrites, idempotent, parseable, atomic."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from bncheck.errors import InputError
from bncheck.lint.api import lint_paths
from bncheck.lint.config import LintConfig
from bncheck.lint.fixes import fix_text, plan_fixes, write_atomically
from tests.helpers_cli import run_cli

BROKEN = """import tensorflow.compat.v1 as tf


def train(x, labels):
    h = tf.layers.batch_normalization(x, training=True)
    loss = tf.losses.softmax_cross_entropy(labels, h)
    optimizer = tf.train.AdamOptimizer(1e-3)
    train_op = optimizer.minimize(
        loss,
        global_step=tf.train.get_or_create_global_step())  # the step counter
    saver = tf.train.Saver(var_list=tf.trainable_variables(), max_to_keep=5)
    return train_op, saver
"""


def test_fix_wraps_the_train_op_and_saves_global_variables_and_parses() -> None:
    findings = lint_paths_for(BROKEN)
    fixed, codes = fix_text("t.py", BROKEN, findings)
    assert sorted(codes) == ["BN001", "BN003"]
    ast.parse(fixed)
    assert (
        "    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
        "        train_op = optimizer.minimize(\n            loss,\n" in fixed
    )
    assert "saver = tf.train.Saver(var_list=tf.global_variables(), max_to_keep=5)" in fixed


def lint_paths_for(source: str, tmp: Path | None = None):
    from bncheck.lint.api import lint_source

    return lint_source(source, path="t.py")


def test_fix_twice_changes_nothing_the_second_time(tmp_path: Path, capsys) -> None:
    path = tmp_path / "train.py"
    path.write_text(BROKEN, encoding="utf-8")
    first = run_cli(capsys, "lint", "--fix", str(path))
    once = path.read_text(encoding="utf-8")
    assert first.code == 0 and once != BROKEN
    second = run_cli(capsys, "lint", "--fix", str(path))
    assert second.code == 0 and path.read_text(encoding="utf-8") == once
    assert lint_paths([path], LintConfig()).findings == []


def test_diff_previews_without_writing(tmp_path: Path, capsys) -> None:
    path = tmp_path / "train.py"
    path.write_text(BROKEN, encoding="utf-8")
    outcome = run_cli(capsys, "lint", "--diff", str(path))
    assert outcome.code == 1
    assert "+    with tf.control_dependencies(" in outcome.stdout
    assert "-    saver = tf.train.Saver(var_list=tf.trainable_variables(), max_to_keep=5)" in outcome.stdout
    assert path.read_text(encoding="utf-8") == BROKEN


def test_fix_keeps_crlf_and_plain_tensorflow_spelling(tmp_path: Path) -> None:
    source = (
        "import tensorflow as tf\r\nh = tf.compat.v1.layers.batch_normalization(x, training=True)\r\n"
        "op = tf.compat.v1.train.AdamOptimizer().minimize(loss)\r\n"
    )
    path = tmp_path / "crlf.py"
    path.write_bytes(source.encode())
    plans = plan_fixes(lint_paths([path], LintConfig()).findings)
    assert len(plans) == 1
    write_atomically(plans[0])
    data = path.read_bytes().decode()
    assert (
        "with tf.compat.v1.control_dependencies(tf.compat.v1.get_collection("
        "tf.compat.v1.GraphKeys.UPDATE_OPS)):\r\n    op = " in data
    )
    assert lint_paths([path], LintConfig()).findings == []


def test_unsafe_statement_is_left_alone() -> None:
    source = (
        "import tensorflow.compat.v1 as tf\nh = tf.layers.batch_normalization(x, training=True)\n"
        "op = tf.train.AdamOptimizer().minimize(loss); other = 1\n"
    )
    findings = lint_paths_for(source)
    assert [f.code for f in findings] == ["BN001"]
    assert fix_text("t.py", source, findings) == (source, ())


def test_failed_rename_leaves_the_original_and_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "train.py"
    path.write_text(BROKEN, encoding="utf-8")
    plans = plan_fixes(lint_paths([path], LintConfig()).findings)

    def refuse(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(InputError, match="cannot write the fixed file: No space left on device"):
        write_atomically(plans[0])
    assert path.read_text(encoding="utf-8") == BROKEN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.py"]


def test_text_that_cannot_be_encoded_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(BROKEN, encoding="utf-8")
    plans = plan_fixes(lint_paths([path], LintConfig()).findings)
    from dataclasses import replace

    bad = replace(plans[0], after="\udcff")  # cannot be encoded: fails before the rename
    with pytest.raises(UnicodeEncodeError):
        write_atomically(bad)
    assert path.read_text(encoding="utf-8") == BROKEN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.py"]


def test_train_op_built_inside_a_lambda_is_not_wrapped() -> None:
    source = (
        "import tensorflow.compat.v1 as tf\nh = tf.layers.batch_normalization(x, training=True)\n"
        "make = lambda: tf.train.AdamOptimizer().minimize(loss)\n"
    )
    findings = lint_paths_for(source)
    assert [f.code for f in findings] == ["BN001"]
    assert fix_text("t.py", source, findings) == (source, ())


def test_fix_keeps_old_mac_line_endings() -> None:
    source = (
        "import tensorflow.compat.v1 as tf\rh = tf.layers.batch_normalization(x, training=True)\r"
        "op = tf.train.AdamOptimizer().minimize(loss)\r"
    )
    fixed, codes = fix_text("t.py", source, lint_paths_for(source))
    assert codes == ("BN001",)
    assert "\n" not in fixed
    assert fixed.endswith("UPDATE_OPS)):\r    op = tf.train.AdamOptimizer().minimize(loss)\r")
