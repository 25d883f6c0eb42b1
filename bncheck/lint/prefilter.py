"""Byte-level pre-filter: skip parsing files that cannot hold a finding or a fact another file needs.

Every rule and every project fact needs one of these spellings in the file's
bytes; a file without any of them is only scanned for its imports (which is
done for every file, filtered or not, so the project graph is the same either way).
"""

from __future__ import annotations

import re

# what each rule or project fact needs to see in a file's bytes
RELEVANT = re.compile(
    rb"batch_norm|BatchNorm|UPDATE_OPS|update_ops|Saver|normalizer_fn|_arg_scope|GradientTape"
    rb"|minimize|apply_gradients|trainable|train\w*['\"\]]?\s*[:=]\s*True"
    rb"|assign|\.apply\(|applications|control_dependencies"
)
FRAMEWORK = re.compile(rb"tensorflow|tf_slim|keras|slim")


def may_hold_findings(data: bytes) -> bool:
    """False only when no rule can report anything in, or learn anything from, this file."""
    return FRAMEWORK.search(data) is not None and RELEVANT.search(data) is not None


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
