"""Python 2 sources: parsed when Python 3 rejects them, with the findings at their exact lines and columns."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bncheck.lint.api import lint_paths, lint_source
from bncheck.lint.config import LintConfig
from bncheck.lint.parse import parse_python2, parse_source
from tests.helpers_cli import run_cli

# every Python 2 spelling the parser rewrites, in a TF1 training script with two bugs
PYTHON2_TRAIN = (
    "import sys\n"
    "import tensorflow as tf\n"
    "\n"
    "def model(x, (h, w)):\n"
    "\tif h <> 0777L:\n"
    "\t\tprint >>sys.stderr, 'odd size', `h`,\n"
    "\t\tx = tf.layers.batch_normalization(x, training=True, momentum=1.0)\n"
    "        return tf.layers.batch_normalization(x, training=True)\n"
    "\n"
    "def main(argv):\n"
    "    try:\n"
    "        images = tf.placeholder(tf.float32, [None, 4])\n"
    "    except ValueError, error:\n"
    "        raise SystemExit, str(error)\n"
    "    exec 'pass' in globals()\n"
    "    net = model(images, (2, 2))\n"
    "    loss = tf.reduce_mean(net)\n"
    "    print 'loss', loss, ur'\\d'\n"
    "    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n"
    "    saver = tf.train.Saver(tf.trainable_variables())\n"
    "    return train_op, saver\n"
)


def _findings(findings) -> list[tuple[int, int, str]]:
    return [(f.location.line, f.location.column, f.code) for f in findings]


def test_python2_script_gets_its_findings_at_exact_lines_and_columns() -> None:
    findings = lint_source(PYTHON2_TRAIN, "train.py")
    # line 7 starts with two tabs (two bytes); line 19: `tf.train...minimize` starts at column 16
    assert _findings(findings) == [(7, 7, "BN005"), (19, 16, "BN001"), (20, 13, "BN003")]


def test_every_call_maps_back_to_where_its_callee_is_written_in_the_python2_text() -> None:
    parsed = parse_source(PYTHON2_TRAIN, "train.py")
    assert parsed.python2
    lines = PYTHON2_TRAIN.encode("utf-8").split(b"\n")
    checked = 0
    for node in ast.walk(parsed.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
            callee = ast.unparse(node.func)
            written = lines[node.lineno - 1][node.col_offset :].decode("utf-8")
            # the rewritten calls (print, exec, repr, raise E(V)) start at the statement's keyword or backtick
            spelled = {"repr": "`", "SystemExit": "SystemExit,"}.get(callee, callee)
            assert written.startswith(spelled), (node.lineno, callee, written)
            checked += 1
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in ("print", "repr"):
            text = lines[node.lineno - 1][node.col_offset : node.end_col_offset].decode("utf-8")
            assert text == node.id, (node.lineno, node.id, text)
    assert checked >= 12


@pytest.mark.parametrize(
    "line, expected",
    [
        ("print 'a', b", "print('a', b)"),
        ("print >>f, a", "print(f, a)"),
        ("print a,", "print(a)"),
        ("exec code in ns", "exec(code, ns)"),
        ("raise E, 'v'", "raise E('v')"),
        ("x = `a`", "x = repr(a)"),
        ("x = a <> b", "x = a != b"),
        ("x = 0777 + 10L + 0x1fL", "x = 0o777 + 10 + 0x1f"),
        ("x = ur'\\d'", "x = r'\\d'"),
        ("f = lambda (a, b): a", "f = lambda ______: a"),
        ("tf.train.Saver(async=True)", "tf.train.Saver(async_=True)"),
    ],
)
def test_each_python2_spelling_means_its_python3_equivalent(line: str, expected: str) -> None:
    tree = parse_python2(line + "\n", "x.py")
    assert tree is not None
    assert ast.dump(tree.body[0], include_attributes=False) == ast.dump(
        ast.parse(expected).body[0], include_attributes=False
    )


def test_except_comma_and_print_function_files_parse_too() -> None:
    source = (
        "from __future__ import print_function\nimport tensorflow as tf\ntry:\n    import cPickle\n"
        "except ImportError, e:\n    print('no cPickle', e, file=sys.stderr)\n"
        "net = tf.layers.batch_normalization(x)\n"
    )
    tree = parse_python2(source, "x.py")
    assert tree is not None
    handler = tree.body[2].handlers[0]
    assert (handler.lineno, handler.col_offset, handler.name) == (5, 0, "e")
    assert _findings(lint_source(source)) == [(7, 7, "BN004")]


def test_mixed_tabs_and_spaces_indent_as_python2_did() -> None:
    # a tab is 8 columns in Python 2: the space-indented line is in the same block as the tab one
    source = "import tensorflow as tf\ndef f(x):\n\ty = x\n        return tf.layers.batch_normalization(y)\n"
    tree = parse_python2(source, "x.py")
    assert tree is not None and len(tree.body[1].body) == 2
    assert _findings(lint_source(source)) == [(4, 16, "BN004")]


def test_a_file_neither_grammar_accepts_is_one_bn000_at_the_python3_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text(
        "import tensorflow as tf\nprint 'step'\ndef f(:\n    return tf.layers.batch_normalization(x)\n"
    )
    findings = lint_paths([path], LintConfig()).findings
    assert [(f.code, f.location.line) for f in findings] == [("BN000", 2)]
    assert parse_python2(path.read_text(), str(path)) is None


def test_bn_in_a_python2_model_counts_for_the_train_script_importing_it(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(
        "import tensorflow as tf\ndef build(x, is_training):\n    print 'building'\n"
        "    return tf.layers.batch_normalization(x, training=is_training)\n"
    )
    (tmp_path / "train.py").write_text(
        "import tensorflow as tf\nfrom model import build\nloss = tf.reduce_mean(build(x, True))\n"
        "train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
    )
    findings = lint_paths([tmp_path], LintConfig()).findings
    assert [(Path(f.location.path).name, f.location.line, f.code) for f in findings] == [
        ("train.py", 4, "BN001")
    ]


def test_prefilter_gives_the_same_findings_for_python2_files(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(PYTHON2_TRAIN)
    (tmp_path / "other.py").write_text("print 'hello'\n")
    with_filter = lint_paths([tmp_path], LintConfig()).findings
    assert with_filter == lint_paths([tmp_path], LintConfig(prefilter=False)).findings
    assert [f.code for f in with_filter] == ["BN005", "BN001", "BN003"]


def test_fix_leaves_a_python2_file_unchanged_and_reports_its_findings(tmp_path: Path, capsys) -> None:
    path = tmp_path / "train.py"
    path.write_text(PYTHON2_TRAIN)
    before = path.read_bytes()
    result = run_cli(capsys, "lint", "--fix", str(path))
    assert path.read_bytes() == before
    assert result.code == 1
    assert "BN001" in result.stdout and "BN003" in result.stdout


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_windows_and_old_mac_line_ends_give_the_same_findings(ending: str) -> None:
    findings = lint_source(PYTHON2_TRAIN.replace("\n", ending), "train.py")
    assert _findings(findings) == [(7, 7, "BN005"), (19, 16, "BN001"), (20, 13, "BN003")]


def test_a_file_with_no_python2_spelling_is_not_handed_to_the_python2_parser(monkeypatch) -> None:
    from bncheck.lint import parse

    def no_parser(print_statement: bool):
        raise AssertionError("the Python 2 parser was asked")

    monkeypatch.setattr(parse, "_driver", no_parser)
    broken = "import tensorflow as tf\n" + "x = tf.layers.batch_normalization(x)\n" * 1000 + "def f(:\n"
    assert parse_python2(broken, "x.py") is None
    assert [f.code for f in lint_source(broken)] == ["BN000"]


def test_a_python2_file_above_the_size_limit_is_one_bn000(monkeypatch) -> None:
    from bncheck.lint import parse

    monkeypatch.setattr(parse, "MAX_PYTHON2_CHARS", len(PYTHON2_TRAIN) - 1)
    assert [f.code for f in lint_source(PYTHON2_TRAIN)] == ["BN000"]
    monkeypatch.setattr(parse, "MAX_PYTHON2_CHARS", len(PYTHON2_TRAIN))
    assert [f.code for f in lint_source(PYTHON2_TRAIN)] == ["BN005", "BN001", "BN003"]
