"""Findings and the rule registry shared by lint (BN0xx), audit (BN1xx) and graph/trace (BN2xx).

A rule is metadata: its code, title, severity and a long explanation in the
sections What it finds / Why it is a bug / Example / Fix.  Rules carry good and
bad examples; for lint rules these are Python sources that the test suite lints.
The registry is filled by the face modules listed in ``RULE_MODULES``; none of
them imports TensorFlow, so ``bncheck explain`` and ``bncheck rules`` stay fast.
"""

from __future__ import annotations

import enum
import importlib
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """Ordered so that ``severity >= threshold`` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None


@dataclass(frozen=True)
class Location:
    """Where a finding points: a file, optionally a line/column, optionally an object name.

    ``symbol`` names the variable, layer or op the finding is about, e.g.
    ``conv1/BatchNorm`` in a checkpoint audit.
    """

    path: str
    line: int | None = None
    column: int | None = None
    symbol: str | None = None

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    location: Location
    fix: str | None = None

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.label,
            "message": self.message,
            "path": self.location.path,
            "line": self.location.line,
            "column": self.location.column,
            "symbol": self.location.symbol,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Rule:
    """A documented check.  ``examples_bad``/``examples_good`` double as tests."""

    code: str
    title: str
    severity: Severity
    what: str
    why: str
    fix: str
    face: str  # "lint", "audit", "graph" or "trace"
    examples_bad: tuple[str, ...] = field(default=())
    examples_good: tuple[str, ...] = field(default=())
    references: tuple[str, ...] = field(default=())

    def finding(
        self, message: str, location: Location, fix: str | None = None, severity: Severity | None = None
    ) -> Finding:
        """A finding of this rule: its code, its severity unless a rule grades its findings itself."""
        return Finding(self.code, severity or self.severity, message, location, fix)


# Modules that define rules; each calls ``register`` at import time and must not import TensorFlow.
RULE_MODULES: tuple[str, ...] = (
    "bncheck.graph.rules",
    "bncheck.trace.rules",
    "bncheck.audit.rules",
    "bncheck.lint.rules",
)

_REGISTRY: dict[str, Rule] = {}
_loaded = False


def register(rule: Rule) -> Rule:
    existing = _REGISTRY.get(rule.code)
    if existing is not None and existing is not rule:
        raise ValueError(f"rule code {rule.code} registered twice")
    _REGISTRY[rule.code] = rule
    return rule


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in RULE_MODULES:
            importlib.import_module(module)
        _loaded = True


def all_rules() -> list[Rule]:
    _load()
    return sorted(_REGISTRY.values(), key=lambda rule: rule.code)


def get_rule(code: str) -> Rule | None:
    _load()
    return _REGISTRY.get(code.strip().upper())


def registered(code: str) -> Rule:
    """The registered rule ``code``; a KeyError is a bug of bncheck, not of the user's input."""
    _load()
    return _REGISTRY[code]


def face_rules(*faces: str) -> list[Rule]:
    """The rules one or more faces report (``lint``, ``audit``, ``graph``, ``trace``), by code."""
    return [rule for rule in all_rules() if rule.face in faces]


def count_by_severity(findings: list[Finding]) -> dict[str, int]:
    counts = {severity.label: 0 for severity in sorted(Severity, reverse=True)}
    for finding in findings:
        counts[finding.severity.label] += 1
    return counts
