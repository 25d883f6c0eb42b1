"""Byte-level pre-filter: skip parsing files that cannot hold a finding or a fact another file needs.

The filter is derived, not listed: every lint rule declares its trigger tokens in its own
file (``LintRule.triggers``) and the project summary declares its own
(``project.SUMMARY_TRIGGERS``); a file is parsed when it holds any of them.  A file that
holds none is only scanned for its imports (as every file is, filtered or not), so the
project graph is the same either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bncheck.lint.rulebase import Trigger

# every trigger but those marked otherwise needs one of these: rules report only in code that uses them
# (`import *` from a project module can bring `tf` along: `from hyper_parameters import *`)
FRAMEWORK = (b"tensorflow", b"keras", b"slim", b"import *")


@dataclass(frozen=True)
class _Check:
    """One trigger, compiled."""

    literals: tuple[bytes, ...]
    pattern: re.Pattern[bytes] | None
    before: int
    after: int
    framework: bool
    lower: bool

    def __call__(self, data: bytes) -> bool:
        for literal in self.literals:
            if literal not in data:
                return False
        if self.pattern is None:
            return True
        if self.lower:
            data = data.lower()
        if self.before >= len(data) and self.after >= len(data):
            return self.pattern.search(data) is not None
        first = self.literals[0].lower() if self.lower else self.literals[0]
        size, before, after = len(first), self.before, self.after
        start = data.find(first)
        while start >= 0:
            # the windows of nearby occurrences overlap: one search of their union (a larger window
            # only lets more files through, never fewer)
            low, high = max(0, start - before), start + size + after
            start = data.find(first, start + size)
            while 0 <= start and start - before <= high:
                high = start + size + after
                start = data.find(first, start + size)
            if self.pattern.search(data, low, high):
                return True
            if high >= len(data):
                return False  # the window already reached the end of the file
        return False


# built once: (single literals, the other checks needing the framework, checks that do not)
_PLAN: list[tuple] = []


def triggers() -> tuple[Trigger, ...]:
    """Every trigger of every lint rule and of the project summary (``rulebase.Trigger``)."""
    import bncheck.lint.rules  # noqa: F401 - registers every lint rule
    from bncheck.lint.project import SUMMARY_TRIGGERS
    from bncheck.lint.rulebase import LINT_RULES

    found = [trigger for rule in LINT_RULES.values() for trigger in rule.triggers]
    return tuple(dict.fromkeys([*found, *SUMMARY_TRIGGERS]))


def _compile(trigger: Trigger) -> _Check:
    pattern = re.compile(trigger.pattern) if trigger.pattern is not None else None
    before, after = trigger.window
    return _Check(trigger.literals, pattern, before, after, trigger.framework, trigger.ignore_case)


def _plan() -> tuple:
    if not _PLAN:
        compiled = [_compile(trigger) for trigger in triggers()]
        # a trigger that is one plain literal is one `in` check with no call around it: most relevant
        # files hold one of these, so they come first
        plain = {  # in the order declared (a dict keeps it)
            check.literals[0]: None
            for check in compiled
            if check.framework and check.pattern is None and len(check.literals) == 1
        }

        def implied(literals: tuple[bytes, ...], itself: bytes | None = None) -> bool:
            # a file holding one of these holds a plain literal too (`BatchNormalization` holds
            # `BatchNorm`): the check can only say what that literal's check already says
            return any(other in literal for literal in literals for other in plain if other != itself)

        literals = tuple(literal for literal in plain if not implied((literal,), literal))
        others = tuple(
            sorted(
                (
                    c
                    for c in compiled
                    if c.framework
                    and (c.pattern is not None or len(c.literals) > 1)
                    and not implied(c.literals)
                ),
                key=lambda check: check.pattern is not None,
            )
        )
        _PLAN.extend((literals, others, tuple(check for check in compiled if not check.framework)))
    return _PLAN[0], _PLAN[1], _PLAN[2]


def may_hold_findings(data: bytes) -> bool:
    """False only when no rule can report anything in, or learn anything from, this file."""
    literals, others, without_framework = _plan()
    for check in without_framework:
        if check(data):
            return True
    for name in FRAMEWORK:
        if name in data:
            break
    else:
        return False
    for literal in literals:
        if literal in data:
            return True
    for check in others:
        if check(data):
            return True
    return False


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
