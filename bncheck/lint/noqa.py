"""``# noqa`` and ``# noqa: BN001,BN003`` comments."""

from __future__ import annotations

import re

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)

ALL = frozenset({"*"})


def noqa_lines(source: str) -> dict[int, frozenset[str]]:
    """Line number -> codes suppressed there (``{"*"}`` for a bare ``# noqa``)."""
    if "noqa" not in source and "NOQA" not in source:
        return {}
    result: dict[int, frozenset[str]] = {}
    for number, line in enumerate(source.splitlines(), start=1):
        if "#" not in line:
            continue
        match = _NOQA.search(line)
        if match is None:
            continue
        codes = match.group("codes")
        result[number] = (
            ALL if not codes else frozenset(code.upper() for code in re.split(r"[\s,]+", codes) if code)
        )
    return result


def suppressed(code: str, line: int | None, table: dict[int, frozenset[str]]) -> bool:
    """Whether a ``# noqa`` comment on ``line`` silences ``code``."""
    if line is None or line not in table:
        return False
    codes = table[line]
    return codes is ALL or "*" in codes or code in codes
