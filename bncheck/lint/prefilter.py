"""Byte-level pre-filter: skip parsing files that cannot hold a finding or a fact another file needs.

Every rule and every project fact needs one of these spellings in the file's
bytes; a file without any of them is only scanned for its imports (which is
done for every file, filtered or not, so the project graph is the same either way).
"""

from __future__ import annotations

import re

# what each rule or project fact needs to see in a file's bytes
_STATS = rb"(?i:mean|var|moving|pop|avg|average|ema|stat)"
RELEVANT = re.compile(
    rb"batch_norm|BatchNorm|UPDATE_OPS|update_ops|Saver|normalizer_fn|_arg_scope|GradientTape"  # BN producers, BN002/3/8
    rb"|minimize|apply_gradients"  # BN001
    rb"|trainable\s*=\s*False"  # BN009
    rb"|train\w*['\"\]]?\s*[:=]\s*True"  # BN006
    rb"|assign_moving_average|\.apply\("  # BN007
    rb"|applications"  # Keras models with BN (BN008/BN009 facts)
)
# BN007: tf.assign(pop_mean, ...) or moving_mean.assign(...); searched only in files that say "assign"
_STAT_ASSIGN = re.compile(_STATS + rb"\w*\.assign|assign(?:_add|_sub)?\(\s*[\w.]*" + _STATS)
_WRAPPED = re.compile(rb"(?i:update)")  # a call under control_dependencies(<updates>): the not_wrapped fact
FRAMEWORK = re.compile(rb"tensorflow|tf_slim|keras|slim")


def may_hold_findings(data: bytes) -> bool:
    """False only when no rule can report anything in, or learn anything from, this file."""
    if FRAMEWORK.search(data) is None:
        return False
    if RELEVANT.search(data) is not None:
        return True
    if b"assign" in data and _STAT_ASSIGN.search(data) is not None:
        return True
    return b"control_dependencies" in data and _WRAPPED.search(data) is not None


_FROM_IMPORT = re.compile(
    rb"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.MULTILINE
)
_IMPORT = re.compile(rb"^[ \t]*import[ \t]+([^\n#;(]+)", re.MULTILINE)


def scan_imports(data: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``(module, names)`` for every import statement, from the bytes (``names`` empty for ``import m``).

    Relative modules keep their dots (``.model``).  Used for the project graph of every file.
    """
    found: list[tuple[str, tuple[str, ...]]] = []
    for match in _FROM_IMPORT.finditer(data):
        module = match.group(1).decode("ascii", "replace")
        raw = match.group(2).decode("utf-8", "replace").strip("() \t\\\r\n")
        names = tuple(
            part.split(" as ")[0].strip()
            for part in raw.replace("\\\n", " ").replace("\n", ",").split(",")
            if part.strip() and not part.strip().startswith("#")
        )
        found.append((module, tuple(name for name in names if name and name != "*")))
    for match in _IMPORT.finditer(data):
        for part in match.group(1).decode("utf-8", "replace").split(","):
            module = part.split(" as ")[0].strip().rstrip("\\").strip()
            if module:
                found.append((module, ()))
    return tuple(found)
