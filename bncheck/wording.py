"""English for counts in messages and summaries: ``1 training step``, ``3 errors``."""

from __future__ import annotations

_IRREGULAR = {"info": "info", "process": "processes"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun``, in the plural unless ``count`` is 1 (``many`` for irregular nouns)."""
    if count == 1:
        return f"{count} {noun}"
    if many is None:
        head, _, last = noun.rpartition(" ")
        many = (f"{head} " if head else "") + _IRREGULAR.get(last, last + "s")
    return f"{count} {many}"
