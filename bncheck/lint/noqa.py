"""Suppression comments: ``# noqa`` / ``# noqa: BN001,BN003`` on a line, ``# bncheck: noqa`` for a file.

Line numbers are Python's (``bncheck.lint.lines``), so a form feed or U+2028 in an earlier comment or
string does not move a ``# noqa`` onto the neighbouring line. A file-level ``# bncheck: noqa`` (every
code) or ``# bncheck: noqa: BN001`` (these codes) must be a whole comment; it is looked up in the
tokenizer's comments, so the same text inside a string literal suppresses nothing.
"""

from __future__ import annotations

import io
import re
import tokenize

from bncheck.lint.lines import split_lines

_CODES = r"[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*"
_NOQA = re.compile(rf"#\s*noqa(?::\s*(?P<codes>{_CODES}))?", re.IGNORECASE)
_FILE_NOQA_HINT = re.compile(r"#\s*bncheck\s*:\s*noqa", re.IGNORECASE)
# the directive starts the comment; a reason may follow after a space
_FILE_NOQA = re.compile(rf"#\s*bncheck\s*:\s*noqa(?::\s*(?P<codes>{_CODES}))?(?=\s|$)", re.IGNORECASE)
_ANY_NOQA = re.compile("noqa", re.IGNORECASE)

ALL = frozenset({"*"})
FILE = 0  # the table's key for codes suppressed in the whole file


def _codes(text: str | None) -> frozenset[str]:
    if not text:
        return ALL
    return frozenset(code.upper() for code in re.split(r"[\s,]+", text) if code)


def _file_codes(source: str) -> frozenset[str]:
    """Codes suppressed by ``# bncheck: noqa[: CODES]`` comments anywhere in the file (empty: none)."""
    found: set[str] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                match = _FILE_NOQA.match(token.string)
                if match is not None:
                    found |= _codes(match.group("codes"))
    except (tokenize.TokenError, SyntaxError):
        return frozenset()  # only parsed files get here; a file the tokenizer refuses keeps its findings
    return frozenset(found)


def noqa_lines(source: str) -> dict[int, frozenset[str]]:
    """Line number -> codes suppressed there (``{"*"}``: a bare ``# noqa``); key ``FILE``: the whole file."""
    if _ANY_NOQA.search(source) is None:
        return {}
    result: dict[int, frozenset[str]] = {}
    for number, line in enumerate(split_lines(source), start=1):
        if "#" not in line:
            continue
        match = _NOQA.search(line)
        if match is not None:
            result[number] = _codes(match.group("codes"))
    if _FILE_NOQA_HINT.search(source):
        whole_file = _file_codes(source)
        if whole_file:
            result[FILE] = whole_file
    return result


def suppressed(code: str, line: int | None, table: dict[int, frozenset[str]]) -> bool:
    """Whether a ``# noqa`` comment on ``line``, or a file-level one, silences ``code``."""
    for key in (FILE, line):
        codes = table.get(key) if key is not None else None
        if codes is not None and ("*" in codes or code in codes):
            return True
    return False
