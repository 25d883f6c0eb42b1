"""Python's line model: the lines ``ast`` and the tokenizer count, and offsets into them.

Only ``\\r\\n``, ``\\r`` and ``\\n`` end a line of Python source. ``str.splitlines`` also breaks on form
feed, vertical tab, ``\\x1c``-``\\x1e``, ``\\x85``, U+2028 and U+2029, all of which may stand in a comment
or a string literal, so its line numbers drift from ``ast``'s after the first of them. Every piece of
lint that maps a line number or a column to text (noqa comments, fixes, diffs) goes through here.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """The source's lines as ``ast`` numbers them (line N is ``result[N - 1]``)."""
    if not text:
        return []
    lines: list[str] = []
    start = 0
    for match in _LINE_END.finditer(text):
        lines.append(text[start : match.end() if keepends else match.start()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def line_ending(line: str) -> str:
    """The end of one line from ``split_lines(..., keepends=True)`` ("" for a last line without one)."""
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith(("\r", "\n")):
        return line[-1]
    return ""


class LineIndex:
    """Maps ``ast`` positions (1-based line, UTF-8 byte column) to offsets in the source string."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = split_lines(text, keepends=True)
        starts = [0]
        for line in self.lines:
            starts.append(starts[-1] + len(line))
        self.starts = starts  # starts[N - 1]: offset of line N; starts[-1] == len(text)

    def line_start(self, line: int) -> int:
        """Offset of the first character of ``line`` (one past the end for a line after the last)."""
        return self.starts[min(max(line, 1), len(self.starts)) - 1]

    def line_end(self, line: int) -> int:
        """Offset just past ``line``'s line ending."""
        return self.starts[min(max(line, 1), len(self.starts) - 1)]

    def offset(self, line: int, byte_column: int) -> int:
        """Offset of the character at ``byte_column`` UTF-8 bytes into ``line``."""
        start = self.line_start(line)
        if line < 1 or line > len(self.lines):
            return start
        text = self.lines[line - 1]
        if text.isascii():
            return start + min(byte_column, len(text))
        return start + len(text.encode("utf-8")[:byte_column].decode("utf-8", "replace"))

    def line_of(self, offset: int) -> int:
        """The 1-based line holding ``offset`` (the last line for the end of the text)."""
        return max(1, min(bisect_right(self.starts, offset), len(self.lines)))
