"""Byte-level pre-filter: skip parsing files that cannot hold a finding or a fact another file needs.

Every rule and every project fact needs one of these spellings in the file's
bytes; a file without any of them is only scanned for its imports (which is
done for every file, filtered or not, so the project graph is the same either way).
"""

from __future__ import annotations

import re

# what each rule or project fact needs to see in a file's bytes
_STATS = rb"(?i:mean|var|moving|pop|avg|average|ema|stat)"
# literal spellings that some rule or project fact needs; `in` on bytes is far faster than one big regex
_LITERALS = (
    b"batch_norm",
    b"BatchNorm",
    b"normalizer_fn",
    b"_arg_scope",
    b"applications",  # BN producers, Keras models
    b"UPDATE_OPS",
    b"update_ops",
    b"Saver",
    b"GradientTape",  # BN002, BN011, BN003, BN008
    b"minimize",
    b"apply_gradients",  # BN001
    b"assign_moving_average",
    b".apply(",  # BN007
)
_FROZEN = re.compile(rb"trainable\s*=\s*False")  # BN009
_FLAG = re.compile(rb"train\w*['\"\]]?\s*[:=]\s*True")  # BN006
_STAT_ASSIGN = re.compile(_STATS + rb"\w*\.assign|assign(?:_add|_sub)?\(\s*[\w.]*" + _STATS)  # BN007
_WRAPPED = re.compile(rb"(?i:update)")  # a call under control_dependencies(<updates>): the not_wrapped fact


def may_hold_findings(data: bytes) -> bool:
    """False only when no rule can report anything in, or learn anything from, this file."""
    if b"tensorflow" not in data and b"keras" not in data and b"slim" not in data:
        return False
    for literal in _LITERALS:
        if literal in data:
            return True
    if b"False" in data and _FROZEN.search(data) is not None:
        return True
    if b"True" in data and _FLAG.search(data) is not None:
        return True
    if b"assign" in data and _has_stat_assign(data):
        return True
    return b"control_dependencies" in data and _WRAPPED.search(data) is not None


def _has_stat_assign(data: bytes) -> bool:
    """``tf.assign(pop_mean, ...)`` / ``moving_mean.assign(...)`` near some occurrence of ``assign``.

    The regex runs on a small window around each occurrence: a leading case-insensitive
    alternation over the whole file would cost more than parsing it.
    """
    start = 0
    while True:
        index = data.find(b"assign", start)
        if index < 0:
            return False
        if _STAT_ASSIGN.search(data, max(0, index - 80), index + 120) is not None:
            return True
        start = index + 6


_FROM_IMPORT = re.compile(
    rb"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.MULTILINE
)
_IMPORT = re.compile(rb"^[ \t]*import[ \t]+([^\n#;(]+)", re.MULTILINE)


def scan_imports(data: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``(module, names)`` for every import statement, from the bytes (``names`` empty for ``import m``).

    Relative modules keep their dots (``.model``).  Used for the project graph of every file,
    filtered or not, so the graph is the same with and without the pre-filter.
    """
    found: list[tuple[str, tuple[str, ...]]] = []
    position = 0
    while True:
        index = data.find(b"import", position)
        if index < 0:
            break
        line_start = data.rfind(b"\n", 0, index) + 1
        line_end = data.find(b"\n", index)
        position = len(data) if line_end < 0 else line_end
        match = _FROM_IMPORT.match(data, line_start)
        if match is not None:
            position = max(position, match.end())
            module = match.group(1).decode("ascii", "replace")
            raw = match.group(2).decode("utf-8", "replace").strip("() \t\\\r\n")
            names = tuple(
                part.split(" as ")[0].strip()
                for part in raw.replace("\\\n", " ").replace("\n", ",").split(",")
                if part.strip() and not part.strip().startswith("#")
            )
            found.append((module, tuple(name for name in names if name and name != "*")))
            continue
        match = _IMPORT.match(data, line_start)
        if match is not None:
            for part in match.group(1).decode("utf-8", "replace").split(","):
                module = part.split(" as ")[0].strip().rstrip("\\").strip()
                if module:
                    found.append((module, ()))
    return tuple(found)
