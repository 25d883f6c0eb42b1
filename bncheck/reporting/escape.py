"""Untrusted text made safe to print: names and paths come from users' files and file systems.

A file name can hold an ESC sequence that would drive the terminal, a checkpoint key can
hold rich markup (``[blink red]bn``), and a name the file system could not decode arrives
as lone surrogates (``surrogateescape``) that no UTF-8 stream or JSON parser accepts.
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls, DEL, and every surrogate code point; tab is a control character too
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _surrogate_escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that did not decode (os.fsdecode): show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def _control_escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return _surrogate_escape(match)
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{code:02x}")


def printable(text: object) -> str:
    """``text`` with control characters and undecodable bytes written as Python escapes (``\\x1b``)."""
    text = str(text)
    return _UNPRINTABLE.sub(_control_escape, text) if _UNPRINTABLE.search(text) else text


def valid_unicode(text: str) -> str:
    """``text`` without lone surrogates (undecodable bytes become ``\\xNN``), so UTF-8 can encode it."""
    return _SURROGATE.sub(_surrogate_escape, text) if _SURROGATE.search(text) else text


def json_safe(value: Any) -> Any:
    """A JSON-ready value with every string (keys too) free of lone surrogates."""
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, dict):
        return {json_safe(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value
