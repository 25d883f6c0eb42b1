"""``--fix`` never changes what a program means, over generated programs.

Each program mixes the ways real scripts import TensorFlow (``tf``, ``compat.v1`` under another
name, names imported one by one, an import inside one function only), the places a train op is
built (module, function, method, ``if`` block), multi-line str/bytes/f-string literals inside the
wrapped statement, characters that ``str.splitlines`` breaks on but Python does not, three line
endings, and the Saver var_lists of real code (scoped, a dict with computed keys, a comprehension,
a variable). For each: the fixed program parses, uses no name the original did not bind, keeps every
literal, loses every finding reported as fixed, and a second fix changes nothing.
"""

from __future__ import annotations

import ast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bncheck.lint.api import lint_source
from bncheck.lint.fixes import FileFix, plan_text
from tests.helpers_python import literals, unbound_names

FIXABLE = ("BN001", "BN003")

IMPORTS = {
    "v1": ("import tensorflow.compat.v1 as tf", "tf."),
    "plain": ("import tensorflow as tf", "tf."),
    "alias": ("from tensorflow.compat import v1", "v1."),
    "names": ("from tensorflow.compat.v1 import train, layers, trainable_variables", ""),
    "local": ("", "tf."),  # tf is imported inside build() only
}
ODD = ["", "\x0c", "\x0b", "\x85", "\u2028", "\u2029", "\x1c"]
LITERALS = {
    "none": "",
    "str": ", name='''first{odd}\n    second\n'''",
    "bytes": ", name=b'''first\n        second'''.decode()",
    "fstring": ", name=f'''{{1}}{odd}\n  z'''",
}


def _saver_line(prefix: str, kind: str, indent: str) -> list[str]:
    trainable = f"{prefix}trainable_variables" if prefix else "trainable_variables"
    saver = f"{prefix}train.Saver" if prefix else "train.Saver"
    var_list = {
        "call": f"{trainable}()",
        "scope": f"{trainable}(scope='generator')",
        "dict": "{'export/' + v.op.name: v for v in " + trainable + "()}",
        "list": f"[v for v in {trainable}() if v.name]",
        "name": "to_save",
    }[kind]
    lines = [f"{indent}to_save = {trainable}()"] if kind == "name" else []
    return lines + [f"{indent}saver = {saver}(var_list={var_list}, max_to_keep=2)"]


@st.composite
def programs(draw) -> tuple[str, str]:
    style = draw(st.sampled_from(sorted(IMPORTS)))
    odd = draw(st.sampled_from(ODD))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    place = draw(st.sampled_from(["module", "function", "method", "if"]))
    literal = LITERALS[draw(st.sampled_from(sorted(LITERALS)))].format(odd=odd)
    saver_kind = draw(st.sampled_from(["call", "scope", "dict", "list", "name"]))
    import_line, prefix = IMPORTS[style]
    lines = []
    if draw(st.booleans()):
        lines.append('"""A training script."""')
    if draw(st.booleans()):
        lines.append("from __future__ import annotations")
    if import_line:
        lines.append(import_line)
    lines += ["x = labels = loss = opt = None"]
    if odd:
        lines += [f"# a comment with an odd {odd} character", f"note = 'odd {odd} text'"]
    layers = "layers." if style == "names" else f"{prefix}layers."
    if style == "local":
        lines += [
            "def build(x):",
            "    import tensorflow.compat.v1 as tf",
            "    h = tf.layers.batch_normalization(x, training=True)",
            *_saver_line(prefix, saver_kind, "    "),
            "    return h, saver",
        ]
    else:
        lines.append(f"h = {layers}batch_normalization(x, training=True)")
        lines += _saver_line(prefix, saver_kind, "")
    train = [f"train_op = opt.minimize(loss{literal})  # the train op"]
    if draw(st.booleans()):
        train = ["train_op = opt.minimize(", f"    loss{literal},", ")"]
    if place == "module":
        lines += train
    elif place == "if":
        lines += ["if x is None:", *("    " + line for line in train)]
    elif place == "function":
        lines += ["def make_train_op(opt, loss):", *("    " + line for line in train), "    return train_op"]
    else:
        lines += [
            "class Trainer:",
            "    def step(self):",
            *("        " + line for line in train),
            "        return train_op",
        ]
    # the literal's own newlines are part of its value: only the line ends between lines change
    return style, newline.join(lines) + newline


def fixable(source: str) -> list:
    return [finding for finding in lint_source(source, path="program.py") if finding.code in FIXABLE]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_fixed_programs_parse_bind_their_names_keep_literals_and_lose_the_findings(program) -> None:
    style, source = program
    findings = fixable(source)
    assert sorted({f.code for f in findings}) == ["BN001", "BN003"], source
    result = plan_text(source, findings)
    after = result.after
    ast.parse(after)
    assert unbound_names(after) <= unbound_names(source), after
    assert literals(after) == literals(source)
    left = fixable(after)
    assert len(left) == len(findings) - len(result.fixed)
    not_fixed = {(u.finding.code, u.finding.message) for u in result.unfixable}
    assert {(f.code, f.message) for f in left} <= not_fixed
    # where a sure TensorFlow name exists (or can be imported), everything is fixed
    expected_unfixable = ["BN001"] if style == "local" else []
    assert [u.finding.code for u in result.unfixable] == expected_unfixable, result.unfixable
    again = plan_text(after, left)
    assert again.after == after and again.fixed == ()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_the_diff_applied_as_a_patch_gives_the_fixed_text(tmp_path_factory, program) -> None:
    import subprocess

    _, source = program
    if "\r" in source.replace("\r\n", ""):
        return  # with old Mac line ends the whole file is one line to patch tools
    result = plan_text(source, fixable(source))
    folder = tmp_path_factory.mktemp("patch")
    (folder / "program.py").write_bytes(source.encode())
    diff = FileFix("program.py", source, result.after, result.codes, edits=result.edits).diff()
    (folder / "fix.diff").write_bytes(diff.encode())
    applied = subprocess.run(
        ["git", "apply", "-p1", "fix.diff"], cwd=folder, capture_output=True, text=True
    )
    assert applied.returncode == 0, applied.stderr + diff
    assert (folder / "program.py").read_bytes() == result.after.encode()
