"""``--fix`` / ``--diff``: the rewrites of BN001 and BN003 that keep the program's meaning.

BN001: wrap the statement that builds the train op in
``with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):``.
BN003: save every global variable instead of the trainable ones, at the place the list is built:
``tf.trainable_variables(scope=...)`` becomes ``tf.global_variables(scope=...)`` (same arguments), the
iterable of a comprehension or ``list(...)`` is replaced and its keys kept, and
``get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, ...)`` reads ``GLOBAL_VARIABLES``.

A fix writes only names bound to TensorFlow where it writes them (``bncheck.lint.bindings``), adding
``import tensorflow.compat.v1 as tf`` when the file binds no such name and uses no ``tf`` at all; it
never changes a character inside a literal (re-indenting skips the lines that start inside one). A
finding it cannot fix that way is reported as not auto-fixable with the reason, and the file is left
as it was when the fixed text would not parse or its literals would differ.

Every fix is a list of edits at offsets of the original text, applied in one pass, and the diff is
built from the same edits, so the work is linear in the file's size and its number of findings.
"""

from __future__ import annotations

import ast
import gc
import io
import os
import time
import tokenize
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bncheck.findings import Finding
from bncheck.lint.aliases import ImportMap
from bncheck.lint.bindings import Bindings
from bncheck.lint.engine import _load_rules, decode_source
from bncheck.lint.lines import LineIndex, line_ending, split_lines
from bncheck.lint.rulebase import LINT_RULES

_load_rules()
# the codes whose rule declares ``fixable = True`` in its own file; each has its rewrite in FIXERS
FIXABLE = tuple(code for code, rule in LINT_RULES.items() if rule.fixable)

_TRAIN_METHODS = ("minimize", "apply_gradients")
_WRAPPABLE = (ast.Assign, ast.AnnAssign, ast.Expr, ast.Return, ast.AugAssign)
_TF_MODULES = ("tensorflow.compat.v1", "tensorflow")
ADDED_IMPORT = "import tensorflow.compat.v1 as tf"


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` of the original with ``replacement`` (``start == end``: insert)."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Unfixable:
    """A fixable code's finding that no safe rewrite exists for, and why."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class TextFix:
    """One text's fixes: the edits, the fixed text, what they fix and what they could not."""

    before: str
    after: str
    edits: tuple[Edit, ...] = ()
    fixed: tuple[Finding, ...] = ()
    unfixable: tuple[Unfixable, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(finding.code for finding in self.fixed)


@dataclass(frozen=True)
class FileFix:
    """The text of one file before and after its fixes, and the bytes the fixes were planned on."""

    path: str
    before: str
    after: str
    codes: tuple[str, ...]
    encoding: str = "utf-8"
    original: bytes = b""
    edits: tuple[Edit, ...] = ()
    fixed: tuple[Finding, ...] = ()
    unfixable: tuple[Unfixable, ...] = field(default=(), compare=False)

    def diff(self) -> str:
        """A unified diff of the fix, with a/ and b/ paths as git writes them."""
        return unified_diff(self.path, self.before, self.edits)


# --- the file's facts, computed once however many findings it has --------------------------------


class _Source:
    """One text's tree, line index, calls by position, literals and bindings, for all its fixes."""

    def __init__(self, source: str, tree: ast.Module) -> None:
        self.text = source
        self.tree = tree
        self.index = LineIndex(source)
        self.parents: dict[ast.AST, ast.AST] = {}
        self.calls: dict[tuple[int, int], list[ast.Call]] = {}
        self.imports = ImportMap()
        self.literal_lines: set[int] = set()  # lines that start inside a multi-line literal
        self.literals: Counter = Counter()  # every str and bytes constant, which no fix may change
        self.assignments: dict[str, list[ast.expr]] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
            if isinstance(node, ast.Call):
                self.calls.setdefault((node.lineno, node.col_offset), []).append(node)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self.imports.add_import(node)
            elif isinstance(node, (ast.Constant, ast.JoinedStr)):
                if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
                    self.literals[(type(node.value).__name__, node.value)] += 1
                elif isinstance(node, ast.Constant):
                    continue
                if node.end_lineno != node.lineno:
                    self.literal_lines.update(range(node.lineno + 1, node.end_lineno + 1))
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.assignments.setdefault(target.id, []).append(node.value)
        self.imports.finish()
        self._bindings: Bindings | None = None
        self._tf_names: list[str] | None = None  # names some import binds to TensorFlow, v1 first
        self.needs_import = False

    @property
    def bindings(self) -> Bindings:
        if self._bindings is None:
            self._bindings = Bindings(self.tree, self.parents)
        return self._bindings

    def offset(self, line: int, byte_column: int) -> int:
        return self.index.offset(line, byte_column)

    def start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)

    def end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)

    def segment(self, node: ast.AST) -> str:
        return self.text[self.start(node) : self.end(node)]

    def newline(self) -> str:
        for line in self.index.lines:
            ending = line_ending(line)
            if ending:
                return ending
        return "\n"

    def tf_prefix(self, node: ast.AST, line: int) -> str | None:
        """How to spell the TF1 API where ``node`` runs (``tf.``, ``tf.compat.v1.``); None if none is sure."""
        bindings = self.bindings
        if self._tf_names is None:
            candidates = {
                (_TF_MODULES.index(entry.module), name)
                for scope_names in bindings.names.values()
                for name, entries in scope_names.items()
                for entry in entries
                if entry.module in _TF_MODULES
            }
            self._tf_names = list(dict.fromkeys(name for _, name in sorted(candidates)))
        for name in self._tf_names:
            modules = bindings.modules_at(name, node, line)
            if not modules or not modules <= set(_TF_MODULES):
                continue
            if modules == {"tensorflow"} and "compat.v1" in self.text:
                return f"{name}.compat.v1."
            # either module (`try: import tensorflow.compat.v1 as tf except ImportError: import tensorflow
            # as tf`): the file's own TF1 spelling `tf.` is what works in both branches
            return f"{name}."
        if self.can_add_import():
            self.needs_import = True
            return "tf."
        return None

    def can_add_import(self) -> bool:
        """Adding ``import tensorflow.compat.v1 as tf`` changes nothing else: no ``tf``, no star import."""
        bindings = self.bindings
        return "tf" not in bindings.used and not bindings.star_lines and self.import_offset() is not None

    def import_offset(self) -> int | None:
        """Where an added import goes: before the first statement after the docstring and __future__."""
        body = self.tree.body
        position = 0
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            if isinstance(body[0].value.value, str):
                position = 1
        while position < len(body):
            statement = body[position]
            if not (isinstance(statement, ast.ImportFrom) and statement.module == "__future__"):
                break
            position += 1
        if position == len(body):
            return None
        statement = body[position]
        start = self.start(statement)
        if start != self.index.line_start(statement.lineno):
            return None  # the statement follows a `;` on the line
        return start


# --- BN001 -----------------------------------------------------------------------------------------


def _call_at(source: _Source, finding: Finding, methods: tuple[str, ...]) -> ast.Call | None:
    line, column = finding.location.line, finding.location.column
    if not line or not column:
        return None
    for call in source.calls.get((line, column - 1), ()):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name.split(".")[-1] in methods:
            return call
    return None


def _statement(source: _Source, node: ast.AST) -> ast.stmt | str:
    while not isinstance(node, ast.stmt):
        node = source.parents.get(node)
        if node is None:
            return "the call is not inside a statement"
        if isinstance(node, ast.Lambda):
            return "the train op is built when the lambda is called, not where its statement runs"
    return node


def _wrap(source: _Source, finding: Finding, wrapped: dict[int, list[Edit]]) -> list[Edit] | str:
    call = _call_at(source, finding, _TRAIN_METHODS)
    if call is None:
        return "the train op call is not where the finding points"
    statement = _statement(source, call)
    if isinstance(statement, str):
        return statement
    if id(statement) in wrapped:
        return wrapped[id(statement)]  # two train ops in one statement: one `with` fixes both
    if not isinstance(statement, _WRAPPABLE):
        return f"the train op is built inside a `{type(statement).__name__.lower()}` statement's header"
    text, index = source.text, source.index
    first, last = statement.lineno, statement.end_lineno
    line_start = index.line_start(first)
    start = source.start(statement)
    indent = text[line_start:start]
    if indent.strip():
        return "another statement shares the first line of the train op's statement"
    if first > 1 and index.lines[first - 2].rstrip("\r\n").endswith("\\"):
        return "the statement continues a line that ends in a backslash"
    end = source.end(statement)
    tail = text[end : index.line_end(last)].strip()
    if tail and not tail.startswith("#"):
        return "another statement follows the train op on its last line"
    prefix = source.tf_prefix(statement, first)
    if prefix is None:
        return "no name is bound to TensorFlow where the train op is built"
    unit = "\t" if "\t" in indent else "    "
    newline = line_ending(index.lines[first - 1]) or source.newline()
    header = f"with {prefix}control_dependencies({prefix}get_collection({prefix}GraphKeys.UPDATE_OPS)):"
    edits = [Edit(start, start, f"{header}{newline}{indent}{unit}")]
    for number in range(first + 1, last + 1):
        if number in source.literal_lines or not index.lines[number - 1].strip():
            continue  # a line starting inside a string keeps its characters; its indent does not matter
        at = index.line_start(number)
        edits.append(Edit(at, at, unit))
    wrapped[id(statement)] = edits
    return edits


# --- BN003 -----------------------------------------------------------------------------------------


def _rename_attribute(source: _Source, node: ast.Attribute, new: str) -> Edit:
    """Replace the attribute name of ``value.attr`` (the last token of the node)."""
    end = source.end(node)
    return Edit(end - len(node.attr), end, new)


def _plain_trainable_call(source: _Source, node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and source.imports.resolve(node.func) == "tf.trainable_variables"
        and all(isinstance(arg, ast.Constant) for arg in [*node.args, *(k.value for k in node.keywords)])
        and all(keyword.arg is not None for keyword in node.keywords)
    )


def _saver_edits(source: _Source, node: ast.AST, saver: ast.Call, depth: int = 0) -> list[Edit] | str:
    """Edits that make the var_list expression ``node`` hold every global variable, keeping its form."""
    if depth > 4:
        return "the var_list is nested too deeply to rewrite"
    if isinstance(node, ast.Call):
        func = node.func
        name = source.imports.resolve(func)
        if name == "tf.trainable_variables":
            if isinstance(func, ast.Attribute):
                return [_rename_attribute(source, func, "global_variables")]
            prefix = source.tf_prefix(saver, saver.lineno)
            if prefix is None:
                return "no name is bound to TensorFlow where the Saver is built"
            return [Edit(source.start(func), source.end(func), f"{prefix}global_variables")]
        if name == "slim.get_trainable_variables" and isinstance(func, ast.Attribute):
            return [_rename_attribute(source, func, "get_variables")]
        method = func.attr if isinstance(func, ast.Attribute) else None
        if method in ("get_collection", "get_collection_ref") and node.args:
            key = node.args[0]
            if isinstance(key, ast.Attribute) and key.attr == "TRAINABLE_VARIABLES":
                return [_rename_attribute(source, key, "GLOBAL_VARIABLES")]
            return "the collection key is not `GraphKeys.TRAINABLE_VARIABLES`"
        if isinstance(func, ast.Name) and func.id in ("list", "sorted") and node.args:
            return _saver_edits(source, node.args[0], saver, depth + 1)
        return "the var_list is built by a call bncheck cannot rewrite"
    if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)):
        edits: list[Edit] = []
        for generator in node.generators:
            inner = _saver_edits(source, generator.iter, saver, depth + 1)
            if isinstance(inner, str):
                return inner
            edits.extend(inner)
        return edits
    if isinstance(node, ast.Name):
        values = source.assignments.get(node.id, [])
        texts = {source.segment(value) for value in values}
        if not values or len(texts) != 1 or not all(_plain_trainable_call(source, v) for v in values):
            return f"`{node.id}` is built elsewhere; changing it there could change its other uses"
        value = values[0]
        prefix = source.tf_prefix(saver, saver.lineno)
        if prefix is None:
            return "no name is bound to TensorFlow where the Saver is built"
        arguments = source.text[source.end(value.func) : source.end(value)]
        return [Edit(source.start(node), source.end(node), f"{prefix}global_variables{arguments}")]
    return "the var_list is an expression bncheck cannot rewrite"


def _replace_var_list(source: _Source, finding: Finding) -> list[Edit] | str:
    call = _call_at(source, finding, ("Saver",))
    if call is None:
        return "the Saver call is not where the finding points"
    var_list = next((k.value for k in call.keywords if k.arg == "var_list"), None)
    if var_list is None and call.args:
        var_list = call.args[0]
    if var_list is None:
        return "the Saver has no var_list"
    return _saver_edits(source, var_list, call)


# --- applying edits --------------------------------------------------------------------------------


def apply_edits(text: str, edits: tuple[Edit, ...] | list[Edit]) -> str:
    """The text with non-overlapping, sorted edits applied, in one pass."""
    pieces = []
    position = 0
    for edit in edits:
        pieces.append(text[position : edit.start])
        pieces.append(edit.replacement)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def _overlapping(owned: list[tuple[Edit, int]]) -> set[int]:
    """Owners of edits that overlap another owner's edit (their findings are not fixed)."""
    clashes: set[int] = set()
    reach, reach_owner = -1, -1
    for edit, owner in owned:
        if edit.start < reach and owner != reach_owner:
            clashes.update((owner, reach_owner))
        if edit.end > reach or (edit.end == reach and edit.start == edit.end):
            reach, reach_owner = max(edit.end, reach), owner
    return clashes


def _literals(tree: ast.AST) -> Counter:
    return Counter(
        (type(node.value).__name__, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))
    )


def _parse(text: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


# each fixable rule's rewrite: a list of edits, or why it cannot be made safely
FIXERS = {
    "BN001": _wrap,
    "BN003": lambda facts, finding, wrapped: _replace_var_list(facts, finding),
}


def plan_text(source: str, findings: list[Finding]) -> TextFix:
    """The fixes of one text's fixable findings; the text unchanged when none can be made safely."""
    fixable = [finding for finding in findings if finding.code in FIXABLE]
    if not fixable:
        return TextFix(source, source)
    tree = _parse(source)
    if tree is None:
        # findings in a file that Python 3 cannot parse come from its Python 2 reading
        reason = "a Python 2 source: --fix rewrites only files that parse as Python 3"
        unparsed = tuple(Unfixable(finding, reason) for finding in fixable)
        return TextFix(source, source, unfixable=unparsed)
    facts = _Source(source, tree)
    wrapped: dict[int, list[Edit]] = {}
    planned: list[tuple[Finding, list[Edit]]] = []
    unfixable: list[Unfixable] = []
    for finding in fixable:
        outcome = FIXERS[finding.code](facts, finding, wrapped)
        if isinstance(outcome, str):
            unfixable.append(Unfixable(finding, outcome))
        else:
            planned.append((finding, outcome))
    # findings that share a statement share its edits: keep one copy of each
    owned: list[tuple[Edit, int]] = []
    seen_edits: set[int] = set()
    for owner, (_, edits) in enumerate(planned):
        if id(edits) in seen_edits:
            continue
        seen_edits.add(id(edits))
        owned.extend((edit, owner) for edit in edits)
    owned.sort(key=lambda item: (item[0].start, item[0].end))
    clashes = _overlapping(owned)
    fixed = []
    for owner, (finding, edits) in enumerate(planned):
        if owner in clashes or any(edits is planned[other][1] for other in clashes):
            unfixable.append(Unfixable(finding, "its fix overlaps the fix of another finding"))
        else:
            fixed.append(finding)
    edits = [edit for edit, owner in owned if owner not in clashes]
    if not fixed:
        return TextFix(source, source, unfixable=tuple(unfixable))
    if facts.needs_import:
        offset = facts.import_offset()
        if offset is not None:
            edits.insert(0, Edit(offset, offset, ADDED_IMPORT + facts.newline()))
            edits.sort(key=lambda edit: (edit.start, edit.end))
    after = apply_edits(source, edits)
    fixed_tree = _parse(after)
    if fixed_tree is None or _literals(fixed_tree) != facts.literals:
        reason = "the fixed file would not parse" if fixed_tree is None else "the fix would change a literal"
        return TextFix(source, source, unfixable=tuple(unfixable + [Unfixable(f, reason) for f in fixed]))
    return TextFix(source, after, tuple(edits), tuple(fixed), tuple(unfixable))


def fix_text(path: str, source: str, findings: list[Finding]) -> tuple[str, tuple[str, ...]]:
    """The fixed text and the codes fixed; the original text when nothing could be fixed safely."""
    result = plan_text(source, findings)
    return result.after, result.codes


def read_for_fix(path: str) -> tuple[bytes, str, str]:
    """The file's bytes, its decoded text and the encoding to write it back in (raises OSError, ...)."""
    data = Path(path).read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data, decode_source(data), "utf-8" if encoding == "utf-8-sig" else encoding


def plan_fixes(findings: list[Finding], read_since_ns: int | None = None) -> list[FileFix]:
    """The fixes for every file with fixable findings (nothing is written).

    A file that cannot be read again, or whose modification time lies between ``read_since_ns`` and
    now (it changed after lint read it, so the findings' lines may not be its lines), gets no edits
    and its findings come back as not auto-fixable.
    """
    # as in the engine: trees are freed by reference counting, and the cyclic collector's rescans of
    # the live nodes would grow with the file
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _plan_files(findings, read_since_ns)
    finally:
        if collecting:
            gc.enable()


def _plan_files(findings: list[Finding], read_since_ns: int | None) -> list[FileFix]:
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.code in FIXABLE:
            by_path.setdefault(finding.location.path, []).append(finding)
    plans = []
    for path, file_findings in sorted(by_path.items()):
        try:
            modified = os.stat(path).st_mtime_ns
            # a time in the future is a clock that differs (a mounted folder), not an edit during the run
            if read_since_ns is not None and read_since_ns < modified <= time.time_ns():
                raise _Changed
            data, source, encoding = read_for_fix(path)
        except _Changed:
            reason = "the file changed after bncheck read it; run again"
            plans.append(_unfixed(path, file_findings, reason))
            continue
        except (OSError, UnicodeDecodeError, SyntaxError, LookupError) as error:
            reason = f"cannot read the file again: {getattr(error, 'strerror', None) or error}"
            plans.append(_unfixed(path, file_findings, reason))
            continue
        result = plan_text(source, file_findings)
        plans.append(
            FileFix(
                path,
                source,
                result.after,
                result.codes,
                encoding,
                data,
                result.edits,
                result.fixed,
                result.unfixable,
            )
        )
    return plans


class _Changed(Exception):
    pass


def _unfixed(path: str, findings: list[Finding], reason: str) -> FileFix:
    return FileFix(path, "", "", (), unfixable=tuple(Unfixable(f, reason) for f in findings))


def fixable_findings(findings: list[Finding]) -> frozenset[Finding]:
    """The findings ``--fix`` would fix now (text output marks them ``[*]``)."""
    return frozenset(finding for plan in plan_fixes(findings) for finding in plan.fixed)


# --- the diff --------------------------------------------------------------------------------------

_CONTEXT = 3


def unified_diff(path: str, before: str, edits: tuple[Edit, ...]) -> str:
    """The unified diff of ``edits`` on ``before`` (3 lines of context, as ``diff -u`` and git print it)."""
    if not edits:
        return ""
    index = LineIndex(before)
    total = len(index.lines)
    # changed blocks: a range of whole original lines and their replacement lines
    blocks: list[tuple[int, int, list[Edit]]] = []  # (first line, last line, edits), 1-based, inclusive
    for edit in edits:
        first = index.line_of(edit.start)
        last = max(first, index.line_of(max(edit.end - 1, edit.start)))
        if blocks and first <= blocks[-1][1] + 1:  # touching blocks print as one
            blocks[-1] = (blocks[-1][0], max(last, blocks[-1][1]), blocks[-1][2] + [edit])
        else:
            blocks.append((first, last, [edit]))
    changes = []
    for first, last, block_edits in blocks:
        start = index.line_start(first)
        old = before[start : index.line_end(last)]
        shifted = [Edit(e.start - start, e.end - start, e.replacement) for e in block_edits]
        new = apply_edits(old, shifted)
        changes.append((first, last, split_lines(old, True), split_lines(new, True)))
    out = [f"--- a/{path}\n", f"+++ b/{path}\n"]
    delta = 0
    position = 0
    while position < len(changes):
        group = [changes[position]]
        while position + len(group) < len(changes):
            following = changes[position + len(group)]
            if following[0] - group[-1][1] - 1 > 2 * _CONTEXT:
                break
            group.append(following)
        hunk_first = max(1, group[0][0] - _CONTEXT)
        hunk_last = min(total, group[-1][1] + _CONTEXT)
        body: list[str] = []
        old_count = new_count = 0
        cursor = hunk_first
        group_delta = 0
        for first, _, old_lines, new_lines in group:
            for number in range(cursor, first):
                body.append(" " + index.lines[number - 1])
                old_count += 1
                new_count += 1
            body.extend("-" + line for line in old_lines)
            body.extend("+" + line for line in new_lines)
            old_count += len(old_lines)
            new_count += len(new_lines)
            group_delta += len(new_lines) - len(old_lines)
            cursor = first + len(old_lines)
        for number in range(cursor, hunk_last + 1):
            body.append(" " + index.lines[number - 1])
            old_count += 1
            new_count += 1
        old_start = hunk_first if old_count else hunk_first - 1
        new_start = hunk_first + delta if new_count else hunk_first + delta - 1
        out.append(f"@@ -{_range(old_start, old_count)} +{_range(new_start, new_count)} @@\n")
        for line in body:
            out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
        delta += group_delta
        position += len(group)
    return "".join(out)


def _range(start: int, count: int) -> str:
    return str(start) if count == 1 else f"{start},{count}"
