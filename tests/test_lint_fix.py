"""``--fix`` and ``--diff``: BN001 and BN003 rewrites, idempotent, parseable, atomic."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from bncheck.lint.api import lint_paths
from bncheck.lint.config import LintConfig
from bncheck.lint.fixes import fix_text, plan_fixes
from bncheck.lint.writeback import write_fix
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
    assert write_fix(plans[0]).written
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
    outcome = write_fix(plans[0])
    assert not outcome.written and outcome.refused
    assert outcome.problem == "cannot write the fixed file: No space left on device; not fixed"
    assert path.read_text(encoding="utf-8") == BROKEN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.py"]


def test_text_that_cannot_be_encoded_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(BROKEN, encoding="utf-8")
    plans = plan_fixes(lint_paths([path], LintConfig()).findings)
    from dataclasses import replace

    bad = replace(plans[0], after="\udcff")  # cannot be encoded: fails before anything is written
    outcome = write_fix(bad)
    assert not outcome.written and "the fixed text does not read back the same in utf-8" in outcome.problem
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


# --- regressions: the fix must see the lines ast sees ---------------------------------------------


@pytest.mark.parametrize("odd", ["\x0c", "\x85", "\u2028", "\x0b"], ids=["ff", "nel", "ls", "vt"])
def test_fix_wraps_the_right_statement_after_a_character_splitlines_breaks_on(tmp_path, capsys, odd) -> None:
    """Was broken: the `with` went around the line above, the finding stayed, each run nested one more."""
    source = (
        "import tensorflow.compat.v1 as tf\n"
        f"# a comment {odd} with an odd character\n"
        f"label = 'a{odd}b'\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "op = tf.train.AdamOptimizer().minimize(loss)\n"
    )
    path = tmp_path / "train.py"
    path.write_text(source, encoding="utf-8")
    first = run_cli(capsys, "lint", "--isolated", "--fix", str(path))
    assert first.code == 0, first
    fixed = path.read_text(encoding="utf-8")
    assert fixed.endswith(
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
        "    op = tf.train.AdamOptimizer().minimize(loss)\n"
    )
    second = run_cli(capsys, "lint", "--isolated", "--fix", str(path))
    assert second.code == 0 and path.read_text(encoding="utf-8") == fixed
    assert fixed.count("with tf.") == 1


# --- regressions: the fix must not change what the program means --------------------------------


def _fix(source: str):
    from bncheck.lint.fixes import plan_text

    return plan_text(source, lint_paths_for(source))


def test_bn003_fix_imports_tensorflow_when_only_train_is_imported() -> None:
    """Was broken: `global_variables()` was written bare, a NameError."""
    source = (
        "from tensorflow.compat.v1 import layers, train, trainable_variables\n"
        "h = layers.batch_normalization(x, training=True)\n"
        "saver = train.Saver(var_list=trainable_variables())\n"
    )
    result = _fix(source)
    assert result.codes == ("BN003",)
    assert result.after == (
        "import tensorflow.compat.v1 as tf\n"
        "from tensorflow.compat.v1 import layers, train, trainable_variables\n"
        "h = layers.batch_normalization(x, training=True)\n"
        "saver = train.Saver(var_list=tf.global_variables())\n"
    )


def test_bn003_fix_through_the_train_module_keeps_its_spelling() -> None:
    source = (
        "from tensorflow.compat import v1\n"
        "h = v1.layers.batch_normalization(x, training=True)\n"
        "saver = v1.train.Saver(v1.trainable_variables())\n"
    )
    assert _fix(source).after.endswith("saver = v1.train.Saver(v1.global_variables())\n")


def test_bn001_is_not_auto_fixable_where_tf_is_imported_only_in_another_function(tmp_path, capsys) -> None:
    """Was broken: the fix used `tf` in a function that cannot see it (NameError)."""
    source = (
        "def build(x):\n"
        "    import tensorflow.compat.v1 as tf\n"
        "    return tf.layers.batch_normalization(x, training=True)\n"
        "\n"
        "def make_train_op(opt, loss):\n"
        "    return opt.minimize(loss)\n"
    )
    path = tmp_path / "train.py"
    path.write_text(source, encoding="utf-8")
    outcome = run_cli(capsys, "lint", "--isolated", "--fix", str(path))
    assert outcome.code == 1
    assert path.read_text(encoding="utf-8") == source
    reason = "no name is bound to TensorFlow where the train op is built"
    assert f"{path}:6:12: BN001 not auto-fixable: {reason}" in outcome.stderr
    assert f"{path}:6:12: BN001 " in outcome.stdout


def test_bn001_fix_uses_the_import_of_its_own_function() -> None:
    source = (
        "def train(x, loss):\n"
        "    import tensorflow.compat.v1 as tf\n"
        "    h = tf.layers.batch_normalization(x, training=True)\n"
        "    return tf.train.AdamOptimizer().minimize(loss)\n"
    )
    assert _fix(source).after.endswith(
        "    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
        "        return tf.train.AdamOptimizer().minimize(loss)\n"
    )


def test_bn001_fix_ignores_a_tf_that_a_parameter_shadows() -> None:
    source = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "def make(tf, opt, loss):\n"
        "    return opt.minimize(loss)\n"
    )
    result = _fix(source)
    assert result.codes == () and result.after == source
    reasons = [u.reason for u in result.unfixable]
    assert reasons == ["no name is bound to TensorFlow where the train op is built"]


@pytest.mark.parametrize(
    "literal",
    ["b'''x\n  y'''", "'''x\n  y'''", "f'''{loss}\n  y'''", "'x' \\\n  'y'", "rb'''\\\n  y'''"],
    ids=["bytes", "str", "fstring", "continued", "raw-bytes"],
)
def test_bn001_fix_keeps_multi_line_literals_character_for_character(literal: str) -> None:
    """Was broken for bytes: the literal's second line was re-indented, so its value changed."""
    source = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "if h is not None:\n"
        f"    op = tf.train.AdamOptimizer().minimize(loss, name={literal})\n"
    )
    result = _fix(source)
    assert result.codes == ("BN001",)
    values = lambda text: sorted(  # noqa: E731
        repr(n.value) for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Constant)
    )
    assert values(result.after) == values(source)
    assert literal.split("\n")[-1] + ")\n" in result.after


def test_bn003_fix_keeps_computed_checkpoint_keys() -> None:
    """Was broken: the dict with "export/" keys was replaced, so every checkpoint key changed."""
    source = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        'saver = tf.train.Saver(var_list={"export/" + v.op.name: v for v in tf.trainable_variables()})\n'
    )
    assert _fix(source).after.endswith(
        'saver = tf.train.Saver(var_list={"export/" + v.op.name: v for v in tf.global_variables()})\n'
    )


def test_bn003_fix_keeps_the_scope() -> None:
    """Was broken: `scope="generator"` was dropped, so the discriminator was saved too."""
    source = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        'saver = tf.train.Saver(tf.trainable_variables(scope="generator"), max_to_keep=1)\n'
        'other = tf.train.Saver(tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, "generator"))\n'
    )
    result = _fix(source)
    assert result.codes == ("BN003", "BN003")
    assert result.after.endswith(
        'saver = tf.train.Saver(tf.global_variables(scope="generator"), max_to_keep=1)\n'
        'other = tf.train.Saver(tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, "generator"))\n'
    )


def test_bn003_var_list_built_from_a_filtered_variable_is_not_auto_fixable() -> None:
    source = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "to_save = [v for v in tf.trainable_variables() if 'generator' in v.name]\n"
        "saver = tf.train.Saver(var_list=to_save)\n"
    )
    result = _fix(source)
    assert result.after == source
    assert [u.reason for u in result.unfixable] == [
        "`to_save` is built elsewhere; changing it there could change its other uses"
    ]


def test_fix_in_a_tab_indented_block_indents_with_a_tab() -> None:
    source = (
        "import tensorflow.compat.v1 as tf\n"
        "def train(x, loss):\n"
        "\th = tf.layers.batch_normalization(x, training=True)\n"
        "\treturn tf.train.AdamOptimizer().minimize(\n"
        "\t\tloss)\n"
    )
    result = _fix(source)
    assert result.after.endswith(
        "\twith tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
        "\t\treturn tf.train.AdamOptimizer().minimize(\n\t\t\tloss)\n"
    )


def test_two_train_ops_in_one_statement_get_one_with() -> None:
    source = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "a, b = opt.minimize(l1), opt.minimize(l2)\n"
    )
    result = _fix(source)
    assert result.codes == ("BN001", "BN001")
    assert result.after.count("with tf.control_dependencies") == 1


def test_diff_is_linear_in_edits_and_matches_difflib_on_a_small_file() -> None:
    import difflib

    result = _fix(BROKEN)
    from bncheck.lint.fixes import FileFix

    ours = FileFix("t.py", BROKEN, result.after, result.codes, edits=result.edits).diff()
    theirs = "".join(
        difflib.unified_diff(
            BROKEN.splitlines(keepends=True), result.after.splitlines(keepends=True), "a/t.py", "b/t.py"
        )
    )
    assert ours == theirs


# --- options ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments, message",
    [
        (("--fix", "--diff"), "--fix writes the fixes and --diff only prints them: give one of the two"),
        (("--format", "sarif", "--diff"), "--diff prints a unified diff, not a sarif report"),
        (("--format", "json", "--diff"), "--diff prints a unified diff, not a json report"),
    ],
)
def test_diff_with_fix_or_a_report_format_is_a_usage_error(tmp_path, capsys, arguments, message) -> None:
    """Was silent: only the diff was printed, the other request dropped."""
    path = tmp_path / "train.py"
    path.write_text(BROKEN, encoding="utf-8")
    outcome = run_cli(capsys, "lint", *arguments, str(path))
    assert outcome.code == 2 and outcome.stdout == ""
    assert outcome.stderr.count("\n") == 1 and message in outcome.stderr
    assert path.read_text(encoding="utf-8") == BROKEN


def test_text_output_marks_what_fix_would_fix_and_counts_it(tmp_path, capsys) -> None:
    path = tmp_path / "train.py"
    path.write_text(
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "op = tf.train.AdamOptimizer().minimize(loss); step = 1\n"  # shares its line: not fixable
        "saver = tf.train.Saver(tf.trainable_variables())\n",
        encoding="utf-8",
    )
    outcome = run_cli(capsys, "lint", "--isolated", str(path))
    assert outcome.code == 1
    lines = outcome.stdout.splitlines()
    assert lines[0].startswith(f"{path}:3:6: BN001 `minimize`")
    assert lines[1].startswith(f"{path}:4:9: BN003 [*] this Saver")
    assert outcome.stderr.splitlines()[-1] == "bncheck: [*] 1 fixable with --fix (preview with --diff)"
    fixed = run_cli(capsys, "lint", "--isolated", "--fix", str(path))
    assert "[*]" not in fixed.stdout + fixed.stderr.splitlines()[-1]


def test_bn001_fix_uses_tf_from_a_try_import_with_a_fallback() -> None:
    source = (
        "try:\n"
        "    import tensorflow.compat.v1 as tf\n"
        "except ImportError:\n"
        "    import tensorflow as tf\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "op = tf.train.AdamOptimizer().minimize(loss)\n"
    )
    assert _fix(source).after.endswith(
        "with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
        "    op = tf.train.AdamOptimizer().minimize(loss)\n"
    )
    # a fallback that leaves tf unbound is not a binding to rely on
    unbound = source.replace("    import tensorflow as tf\n", "    pass\n")
    assert _fix(unbound).codes == ()


def test_every_rule_that_declares_a_fix_has_its_rewrite_and_no_other_rule_has_one() -> None:
    from bncheck.lint.fixes import FIXERS, FIXABLE
    from bncheck.lint.rulebase import LINT_RULES

    declared = {code for code, rule in LINT_RULES.items() if rule.fixable}
    assert declared == set(FIXERS) == set(FIXABLE)
    assert declared >= {"BN001", "BN003"}
