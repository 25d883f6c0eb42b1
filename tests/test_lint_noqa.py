"""``# noqa`` on Python's lines, and the file-level ``# bncheck: noqa`` comments."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bncheck.lint.api import lint_source
from bncheck.lint.lines import LineIndex, split_lines
from bncheck.lint.noqa import FILE, noqa_lines, suppressed
from tests.helpers_cli import run_cli

HEAD = "import tensorflow.compat.v1 as tf\nh = tf.layers.batch_normalization(x, training=True)\n"
TRAIN = "op = tf.train.AdamOptimizer().minimize(loss)"
SAVER = "saver = tf.train.Saver(tf.trainable_variables())"

# characters that str.splitlines() breaks on and Python does not, in a comment or a string
NOT_LINE_BREAKS = {
    "form feed": "\x0c",
    "vertical tab": "\x0b",
    "file separator": "\x1c",
    "next line": "\x85",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
}


@pytest.mark.parametrize("name", sorted(NOT_LINE_BREAKS))
def test_split_lines_counts_lines_as_ast_does(name: str) -> None:
    odd = NOT_LINE_BREAKS[name]
    source = f"# one {odd} comment\ns = 'a{odd}b'\r\nt = 1\rlast = 2"
    lines = split_lines(source)
    assert lines == [f"# one {odd} comment", f"s = 'a{odd}b'", "t = 1", "last = 2"]
    assert [node.lineno for node in ast.parse(source).body] == [2, 3, 4]
    assert split_lines(source, keepends=True)[1].endswith("\r\n")


def test_line_index_maps_utf8_byte_columns_to_text_offsets() -> None:
    source = "x = 'é\u2028'; y = 1\nz = 2\n"
    index = LineIndex(source)
    tree = ast.parse(source)
    y = tree.body[1]
    assert source[index.offset(y.lineno, y.col_offset) :].startswith("y = 1")
    assert index.line_of(index.offset(3, 0) - 1) == 2


@pytest.mark.parametrize("name", sorted(NOT_LINE_BREAKS))
def test_noqa_on_the_finding_line_silences_it_after_an_odd_character(name: str) -> None:
    """Was broken: the comment counted as one line more, so the right line's noqa was ignored."""
    odd = NOT_LINE_BREAKS[name]
    source = f"# a {odd} comment\ns = 'x{odd}y'\n{HEAD}{TRAIN}  # noqa: BN001\n"
    assert lint_source(source) == []


@pytest.mark.parametrize("name", sorted(NOT_LINE_BREAKS))
def test_noqa_on_the_line_before_does_not_silence(name: str) -> None:
    """Was broken: a noqa on the line before the finding silenced it."""
    odd = NOT_LINE_BREAKS[name]
    source = f"# a {odd} comment\n{HEAD}other = 1  # noqa: BN001\n{TRAIN}\n"
    findings = lint_source(source)
    assert [(f.code, f.location.line) for f in findings] == [("BN001", 5)]


def test_file_level_noqa_silences_every_code_in_the_file() -> None:
    source = f"# bncheck: noqa\n{HEAD}{TRAIN}\n{SAVER}\n"
    assert noqa_lines(source)[FILE] == frozenset({"*"})
    assert lint_source(source) == []


def test_file_level_noqa_with_codes_silences_only_those() -> None:
    source = f"{HEAD}{TRAIN}\n{SAVER}\n\n# bncheck: noqa: BN003 - the checkpoint is only for fine-tuning\n"
    assert [f.code for f in lint_source(source)] == ["BN001"]
    assert suppressed("BN003", 99, noqa_lines(source))
    assert not suppressed("BN001", 3, noqa_lines(source))


def test_file_level_noqa_inside_a_string_or_after_code_is_not_a_directive() -> None:
    in_string = f'{HEAD}doc = """\n# bncheck: noqa\n"""\n{TRAIN}\n'
    assert [f.code for f in lint_source(in_string)] == ["BN001"]
    # `# bncheck: noqa` is one comment for the whole file wherever it stands, also after code
    after_code = f"{HEAD}{TRAIN}  # bncheck: noqa: BN001\n{SAVER}\n"
    assert [f.code for f in lint_source(after_code)] == ["BN003"]


def test_misspelled_file_level_directive_silences_nothing() -> None:
    source = f"# bncheck: noqa:BN0O1\n{HEAD}{TRAIN}\n"
    assert [f.code for f in lint_source(source)] == ["BN001"]


def test_file_level_noqa_through_the_cli(tmp_path: Path, capsys) -> None:
    path = tmp_path / "train.py"
    path.write_text(f"# bncheck: noqa: BN001\n{HEAD}{TRAIN}\n", encoding="utf-8")
    outcome = run_cli(capsys, "lint", "--isolated", str(path))
    assert outcome.code == 0 and outcome.stdout == "", outcome
