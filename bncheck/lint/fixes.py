"""``--fix`` / ``--diff``: the safe rewrites of BN001 and BN003, written atomically.

BN001: wrap the statement that builds the train op in
``with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):``.
BN003: replace the Saver's var_list with ``tf.global_variables()``.
A fix is skipped (the finding stays) when the statement shares its lines with other
code or holds a multi-line string, and a file whose fixed text does not parse is left as it was.
"""

from __future__ import annotations

import ast
import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bncheck.errors import InputError
from bncheck.findings import Finding
from bncheck.lint.aliases import ImportMap, dotted_text
from bncheck.lint.engine import decode_source

FIXABLE = ("BN001", "BN003")


@dataclass(frozen=True)
class FileFix:
    """The text of one file before and after its fixes."""

    path: str
    before: str
    after: str
    codes: tuple[str, ...]
    encoding: str = "utf-8"

    def diff(self) -> str:
        """A unified diff of the fix, with a/ and b/ paths as git writes them."""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.path}",
                tofile=f"b/{self.path}",
            )
        )


def _tf_prefix(tree: ast.Module, source: str) -> str | None:
    """How this file spells the TF1 API: ``tf.`` or ``tf.compat.v1.``; None if it imports no TensorFlow."""
    imports = ImportMap()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.add_import(node)
    v1 = [local for local, full in imports.names.items() if full == "tensorflow.compat.v1"]
    if v1:
        return f"{v1[0]}."
    plain = [local for local, full in imports.names.items() if full == "tensorflow"]
    if plain:
        return f"{plain[0]}.compat.v1." if "compat.v1" in source else f"{plain[0]}."
    return None


def _byte_col_to_str(line: str, column: int) -> int:
    return len(line.encode("utf-8")[:column].decode("utf-8", "replace"))


def _statement_of(tree: ast.Module, line: int, column: int, methods: tuple[str, ...]):
    parents: dict[ast.AST, ast.AST] = {}
    target = None
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
        if isinstance(node, ast.Call) and node.lineno == line and node.col_offset + 1 == column:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else dotted_text(node.func)
            if name and name.split(".")[-1] in methods:
                target = node
    if target is None:
        return None, None
    node = target
    while node in parents and not isinstance(node, ast.stmt):
        node = parents[node]
        if isinstance(node, ast.Lambda):
            # the train op is built when the lambda is called, not where the statement runs
            return target, None
    return target, node if isinstance(node, ast.stmt) else None


def _wrap_train_op(lines: list[str], tree: ast.Module, finding: Finding, prefix: str) -> bool:
    call, statement = _statement_of(
        tree, finding.location.line, finding.location.column, ("minimize", "apply_gradients")
    )
    if statement is None or not isinstance(
        statement, (ast.Assign, ast.AnnAssign, ast.Expr, ast.Return, ast.AugAssign)
    ):
        return False
    first, last = statement.lineno - 1, statement.end_lineno - 1
    head = lines[first]
    if head[: _byte_col_to_str(head, statement.col_offset)].strip():
        return False  # something precedes the statement on its line
    tail = lines[last][_byte_col_to_str(lines[last], statement.end_col_offset) :]
    if tail.strip() and not tail.strip().startswith("#"):
        return False  # another statement follows on the same line
    for node in ast.walk(statement):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.end_lineno != node.lineno:
            return False  # re-indenting would change a multi-line string
    indent = head[: len(head) - len(head.lstrip())]
    newline = "\r\n" if head.endswith("\r\n") else "\r" if head.endswith("\r") else "\n"
    wrapped = [
        f"{indent}with "
        f"{prefix}control_dependencies({prefix}get_collection({prefix}GraphKeys.UPDATE_OPS)):{newline}"
    ]
    for text in lines[first : last + 1]:
        wrapped.append(("    " + text) if text.strip() else text)
    lines[first : last + 1] = wrapped
    return True


def _replace_var_list(lines: list[str], tree: ast.Module, finding: Finding, prefix: str) -> bool:
    call, _ = _statement_of(tree, finding.location.line, finding.location.column, ("Saver",))
    if call is None:
        return False
    var_list = next((k.value for k in call.keywords if k.arg == "var_list"), None)
    if var_list is None and call.args:
        var_list = call.args[0]
    if var_list is None:
        return False
    func_text = dotted_text(call.func) or ""
    saver_prefix = func_text[: -len("train.Saver")] if func_text.endswith("train.Saver") else prefix
    start, end = var_list.lineno - 1, var_list.end_lineno - 1
    start_col = _byte_col_to_str(lines[start], var_list.col_offset)
    end_col = _byte_col_to_str(lines[end], var_list.end_col_offset)
    replacement = f"{saver_prefix}global_variables()"
    lines[start : end + 1] = [lines[start][:start_col] + replacement + lines[end][end_col:]]
    return True


def fix_text(path: str, source: str, findings: list[Finding]) -> tuple[str, tuple[str, ...]]:
    """The fixed text and the codes fixed; the original text when nothing could be fixed safely."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source, ()
    prefix = _tf_prefix(tree, source)
    if prefix is None:
        return source, ()
    lines = source.splitlines(keepends=True)
    fixed: list[str] = []
    # bottom-up, so that earlier line numbers stay valid
    for finding in sorted(
        findings, key=lambda f: (f.location.line or 0, f.location.column or 0), reverse=True
    ):
        if finding.code == "BN001" and _wrap_train_op(lines, tree, finding, prefix):
            fixed.append(finding.code)
        elif finding.code == "BN003" and _replace_var_list(lines, tree, finding, prefix):
            fixed.append(finding.code)
    result = "".join(lines)
    try:
        ast.parse(result)
    except SyntaxError:
        return source, ()
    return result, tuple(reversed(fixed))


def plan_fixes(findings: list[Finding]) -> list[FileFix]:
    """The fixes for every file with fixable findings (nothing is written)."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.code in FIXABLE:
            by_path.setdefault(finding.location.path, []).append(finding)
    plans = []
    for path, file_findings in sorted(by_path.items()):
        import io
        import tokenize

        data = Path(path).read_bytes()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        source = decode_source(data)
        after, codes = fix_text(path, source, file_findings)
        if codes and after != source:
            plans.append(
                FileFix(path, source, after, codes, "utf-8" if encoding == "utf-8-sig" else encoding)
            )
    return plans


def write_atomically(fix: FileFix) -> None:
    """Replace the file in one rename; on any failure the original stays untouched."""
    # through a symlink, rewrite the file it points to: renaming onto the link would replace it
    target = Path(os.path.realpath(fix.path))
    data = fix.after.encode(fix.encoding)
    original = target.read_bytes()
    if original.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".bncheck", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, target.stat().st_mode & 0o7777)
        os.replace(temporary, target)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise InputError(target, f"cannot write the fixed file: {error.strerror or error}") from None
