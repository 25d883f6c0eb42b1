"""Parse a source file into an ``ast.Module``: as Python 3, or, when that fails, as Python 2.

Much TF1-era code is Python 2 (``print 'step', i``, ``except E, e:``, ``0777``, tabs).
Such a file is parsed with fissix (the maintained lib2to3 fork, whose grammars accept
Python 2), the few Python 2 spellings are rewritten to their Python 3 equivalents on the
token positions fissix reports (``print x`` -> ``print(x)``, ``except E, e`` -> ``except E as
e``, backticks -> ``repr()``, ``<>`` -> ``!=``, ``0777``/``10L`` -> ``0o777``/``10``, ``ur''``
-> ``r''``, ``exec code in ns`` -> ``exec(code, ns)``, ``raise E, V`` -> ``raise E(V)``,
tuple parameters, tab indentation expanded as Python 2 did), the result is parsed by
``ast``, and every node's line and column is mapped back to the original text.  No edit
adds or removes a line, so line numbers are exact; columns are exact wherever a node
starts in the original text.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

# Python 2 parsing is the rare path: fissix (and its grammar pickles) load only when it is needed
_DRIVERS: list = []


@dataclass(frozen=True)
class Parsed:
    """A parsed file: its tree (positions in the original text) and the grammar that accepted it."""

    tree: ast.Module
    python2: bool = False


@dataclass(frozen=True)
class _Edit:
    """Replace ``old_length`` characters at (``line``, ``column``) of the original text by ``text``."""

    line: int  # 1-based
    column: int  # characters from the line start
    old_length: int
    text: str


def parse_python3(source: str, path: str) -> ast.Module:
    """``ast.parse``, with the compiler's warnings about the user's code kept out of the output."""
    # invalid escape sequences, `is` with a literal: not bncheck's to report, and it must not
    # reach the user's terminal or CI log
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, filename=path)


def parse_source(source: str, path: str) -> Parsed:
    """Parse as Python 3, else as Python 2; raises the Python 3 ``SyntaxError`` when neither accepts it.

    Also raises what ``ast.parse`` raises for input it cannot take (ValueError for NUL bytes,
    RecursionError, MemoryError).
    """
    try:
        return Parsed(parse_python3(source, path))
    except SyntaxError as error:
        tree = parse_python2(source, path)
        if tree is None:
            raise error from None
        return Parsed(tree, python2=True)


# fissix parses about 0.2 MB a second: a larger file that Python 3 rejects is not tried as Python 2
MAX_PYTHON2_CHARS = 2_000_000

# Spellings that only Python 2 accepts, loosely: a source that holds none of them cannot parse after
# the rewrite either (the rewrite changes only these), so fissix is not asked.  Each must match
# whatever the rewrite acts on (more is harmless: fissix then says no).
_PYTHON2_HINT_PATTERN = (
    r"\b(?:print|exec)\b(?![ \t]*(?:[(=.,:)\]};#\n]|$))"  # print x, print >>f, exec code
    r"|\b(?:except|raise)\b[^\n]*(?:,|[(\[{\\][^)\]}\n]*$)"  # except E, e: / raise E, V (maybe over lines)
    r"|`|<>|\b0\d|\d[lL]\b|\b0[xX][0-9a-fA-F]+[lL]\b|\b[uU][rR][\'\"]"  # backticks, <>, 0777, 10L, ur''
    r"|\bdef\s+\w+\s*\([^)]*\(|\blambda\b[^:\n]*\("  # tuple parameters
    r"|^[ ]*\t|\b(?:async|await|nonlocal)\b"  # tab indentation, Python 3 keywords as names
)
_PRINT_FUNCTION_PATTERN = r"^\s*from\s+__future__\s+import\b[^\n]*\bprint_function\b"


@lru_cache(maxsize=None)
def _pattern(pattern: str) -> re.Pattern[str]:
    # compiled on first use: most runs never meet a file that Python 3 rejects
    return re.compile(pattern, re.MULTILINE)


def parse_python2(source: str, path: str) -> ast.Module | None:
    """The tree of a Python 2 source, positions as in ``source``; None when it is not Python 2 either."""
    if "\x00" in source or len(source) > MAX_PYTHON2_CHARS:
        return None  # NUL: both grammars reject it
    if _pattern(_PYTHON2_HINT_PATTERN).search(source) is None:
        return None
    # ast reads CR LF and a lone CR as line ends; fissix only LF: the same lines and columns for both
    text = source.replace("\r\n", "\n").replace("\r", "\n") if "\r" in source else source
    text = text if text.endswith("\n") else text + "\n"
    # as lib2to3 does: `from __future__ import print_function` makes print a name
    driver = _driver(print_statement=_pattern(_PRINT_FUNCTION_PATTERN).search(text) is None)
    try:
        cst = driver.parse_string(text)
    except Exception:  # noqa: BLE001 - any failure of the fallback grammar only means "not Python 2"
        return None
    edits = list(_python2_edits(cst))
    rewritten = _apply(text, edits)
    try:
        tree = parse_python3(rewritten, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    _map_positions(tree, text, rewritten, edits)
    return tree


def _driver(print_statement: bool):
    """The fissix parser for Python 2 with the print statement, or without (``print_function`` files)."""
    if not _DRIVERS:
        from fissix import pygram, pytree
        from fissix.pgen2 import driver

        for grammar in (pygram.python_grammar, pygram.python_grammar_no_print_statement):
            _DRIVERS.append(driver.Driver(grammar, convert=pytree.convert))
    return _DRIVERS[0] if print_statement else _DRIVERS[1]


_LONG = re.compile(r"(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|[0-9]+)[lL]")
_OCTAL = re.compile(r"0[0-7]*[1-7][0-7]*")
_PYTHON3_KEYWORDS = {"async": "async_", "await": "await_", "nonlocal": "nonlocal_"}


def _python2_edits(cst) -> Iterator[_Edit]:
    """The edits that turn a Python 2 concrete syntax tree's text into Python 3."""
    from fissix.pgen2 import token
    from fissix.pygram import python_symbols as symbols

    for node in cst.pre_order():
        kind = node.type
        if kind == symbols.print_stmt:
            first = node.children[0]
            yield _Edit(first.lineno, first.column, len(first.value), "print(")
            if len(node.children) > 1 and node.children[1].type == token.RIGHTSHIFT:
                chevron = node.children[1]
                yield _Edit(chevron.lineno, chevron.column, 2, "")
            yield _after(node, ")")
        elif kind == symbols.exec_stmt:
            first = node.children[0]
            yield _Edit(first.lineno, first.column, 4, "exec(")
            for child in node.children[1:]:
                if child.type == token.NAME and child.value == "in":
                    yield _Edit(child.lineno, child.column, 2, ",")
            yield _after(node, ")")
        elif kind == symbols.raise_stmt:
            children = node.children
            if len(children) >= 4 and children[2].type == token.COMMA:
                yield _Edit(children[2].lineno, children[2].column, 1, "(")
                yield _after(node, ")")
        elif kind == symbols.except_clause:
            children = node.children
            if len(children) == 4 and children[2].type == token.COMMA:
                yield _Edit(children[2].lineno, children[2].column, 1, " as")
        elif kind == symbols.atom and node.children and node.children[0].type == token.BACKQUOTE:
            opening, closing = node.children[0], node.children[-1]
            yield _Edit(opening.lineno, opening.column, 1, "repr(")
            yield _Edit(closing.lineno, closing.column, 1, ")")
        elif kind in (symbols.tfpdef, symbols.vfpdef) and node.children[0].type == token.LPAR:
            # `def f(a, (b, c))`: the unpacked tuple becomes one placeholder parameter
            leaves = list(node.leaves())
            first, last = leaves[0], leaves[-1]
            if first.lineno == last.lineno:
                width = last.column + len(last.value) - first.column
                yield _Edit(first.lineno, first.column, width, "_" * width)
        elif kind == token.INDENT and "\t" in node.value:
            yield _Edit(node.lineno, 0, len(node.value), node.value.expandtabs(8))
        elif kind < 256:  # a leaf
            yield from _leaf_edits(node, token)


def _leaf_edits(leaf, token) -> Iterator[_Edit]:
    prefix = leaf.prefix
    indentation = prefix.rsplit("\n", 1)[-1]
    # the indentation of a line that starts with this leaf: Python 2 put a tab at the next multiple of 8
    if "\t" in indentation and leaf.column == len(indentation) and not indentation.strip(" \t\f"):
        yield _Edit(leaf.lineno, 0, len(indentation), indentation.expandtabs(8))
    kind, value = leaf.type, leaf.value
    if kind == token.NOTEQUAL and value == "<>":
        yield _Edit(leaf.lineno, leaf.column, 2, "!=")
    elif kind == token.NUMBER:
        long = _LONG.fullmatch(value)
        digits = long.group(1) if long else value
        if _OCTAL.fullmatch(digits):
            digits = "0o" + digits.lstrip("0")
        if digits != value:
            yield _Edit(leaf.lineno, leaf.column, len(value), digits)
    elif kind == token.STRING and value[:2].lower() == "ur":
        yield _Edit(leaf.lineno, leaf.column, 2, value[1])
    elif kind == token.NAME and value in _PYTHON3_KEYWORDS:
        yield _Edit(leaf.lineno, leaf.column, len(value), _PYTHON3_KEYWORDS[value])


def _after(node, text: str) -> _Edit:
    """Insert ``text`` right after the last leaf of ``node`` (which may be a multi-line string)."""
    last = node
    while last.children:
        last = last.children[-1]
    lines = last.value.split("\n")
    if len(lines) == 1:
        return _Edit(last.lineno, last.column + len(last.value), 0, text)
    return _Edit(last.lineno + len(lines) - 1, len(lines[-1]), 0, text)


def _apply(text: str, edits: list[_Edit]) -> str:
    lines = text.split("\n")
    by_line: dict[int, list[_Edit]] = {}
    for edit in edits:
        by_line.setdefault(edit.line, []).append(edit)
    for number, line_edits in by_line.items():
        line = lines[number - 1]
        # right to left, so that each edit's column still points into the original line; at one
        # column, a replacement applies before an insertion that follows the previous token
        for edit in sorted(line_edits, key=lambda e: (e.column, e.old_length > 0), reverse=True):
            line = line[: edit.column] + edit.text + line[edit.column + edit.old_length :]
        lines[number - 1] = line
    return "\n".join(lines)


def _map_positions(tree: ast.Module, original: str, rewritten: str, edits: list[_Edit]) -> None:
    """Move every node's columns from the rewritten text back to the original one."""
    by_line: dict[int, list[_Edit]] = {}
    for edit in edits:
        by_line.setdefault(edit.line, []).append(edit)
    if not by_line:
        return
    old_lines, new_lines = original.split("\n"), rewritten.split("\n")
    maps = {
        number: _ColumnMap(old_lines[number - 1], new_lines[number - 1], line_edits)
        for number, line_edits in by_line.items()
    }
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if line in maps:
            node.col_offset = maps[line](node.col_offset)
        end = getattr(node, "end_lineno", None)
        if end in maps and getattr(node, "end_col_offset", None) is not None:
            node.end_col_offset = maps[end](node.end_col_offset)


class _ColumnMap:
    """A rewritten line's UTF-8 byte columns -> the original line's byte columns."""

    def __init__(self, old_line: str, new_line: str, edits: list[_Edit]) -> None:
        self.old_line, self.new_line = old_line, new_line
        # (new start, new end, old start, old end) of every edit, in order along the line
        self.spans: list[tuple[int, int, int, int]] = []
        shift = 0
        for edit in sorted(edits, key=lambda e: (e.column, e.old_length > 0)):
            start = edit.column + shift
            self.spans.append((start, start + len(edit.text), edit.column, edit.column + edit.old_length))
            shift += len(edit.text) - edit.old_length

    def __call__(self, byte_column: int) -> int:
        column = len(self.new_line.encode("utf-8")[:byte_column].decode("utf-8", "ignore"))
        old = column
        for new_start, new_end, old_start, old_end in self.spans:
            if column < new_start:
                break
            if column < new_end:  # inside an edit's new text: the same distance into the old text, at most
                old = old_start + min(column - new_start, old_end - old_start)
            else:
                old = column - new_end + old_end
        return len(self.old_line[:old].encode("utf-8"))
