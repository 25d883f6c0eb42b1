"""The lint rule class, candidates that wait on project facts, and the lint-rule table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterable

from bncheck.findings import Finding, Location, Rule, Severity, register
from bncheck.lint.context import CallSite, FileContext
from bncheck.lint.facts import Fact


@dataclass(frozen=True)
class Trigger:
    """Bytes without which a rule reports nothing in a file; the byte pre-filter is built from these.

    A file holds the trigger when it contains every one of ``literals`` (case-sensitive ``in``
    checks, which are fast) and, when ``pattern`` is given, the pattern matches within ``window``
    bytes around an occurrence of the first literal (a regex over a whole file can cost more than
    parsing it).  A trigger must be a necessary condition: a file without it must be a file in
    which the rule reports nothing, or the pre-filter changes the results.
    """

    literals: tuple[bytes, ...]
    pattern: bytes | None = None
    window: tuple[int, int] = (80, 120)  # bytes before and after the first literal's occurrence
    # the file must also mention tensorflow, keras or slim (False: the rule reports in files that
    # only use a model built elsewhere, such as `base.trainable = False` on an imported factory's model)
    framework: bool = True
    # ``pattern`` is written in lower case and searched in the lower-cased bytes: a case-insensitive
    # regex over a whole file is many times slower than lower-casing it once
    ignore_case: bool = False

    EVERYWHERE: ClassVar[tuple[int, int]] = (1 << 62, 1 << 62)  # ``window`` for a whole-file pattern


@dataclass(frozen=True)
class Candidate:
    """A finding that stands once the project is known: if all of its ``requires`` facts hold,
    and at least one of ``any_of`` when that is given (the facts are in ``bncheck.lint.facts``)."""

    finding: Finding
    requires: tuple[Fact, ...] = ()
    any_of: tuple[Fact, ...] = ()


class LintRule:
    """One lint rule: metadata, examples (which are its tests) and the check.

    Subclasses set the class attributes and implement ``check``.
    """

    code: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[Severity]
    what: ClassVar[str]
    why: ClassVar[str]
    fix: ClassVar[str]
    bad: ClassVar[tuple[str, ...]]
    good: ClassVar[tuple[str, ...]]
    references: ClassVar[tuple[str, ...]] = ()
    fixable: ClassVar[bool] = False
    # a file can hold a finding of this rule only if it holds one of these (and mentions tensorflow,
    # keras or slim); no triggers: the rule reports nothing by itself (BN000 is the engine's)
    triggers: ClassVar[tuple[Trigger, ...]] = ()

    def check(self, context: FileContext) -> Iterable[Candidate]:
        raise NotImplementedError

    def finding(
        self,
        context: FileContext,
        call: CallSite,
        message: str,
        severity: Severity | None = None,
        symbol: str | None = None,
        fix: str | None = None,
        node=None,
    ) -> Finding:
        """A finding of this rule at a call (or at ``node``) of the file."""
        anchor = node if node is not None else call.node
        return Finding(
            code=self.code,
            severity=severity or self.severity,
            message=message,
            location=Location(context.path, anchor.lineno, anchor.col_offset + 1, symbol),
            fix=fix,
        )

    @classmethod
    def as_rule(cls) -> Rule:
        """The rule's registry entry (metadata and examples)."""
        return Rule(
            code=cls.code,
            title=cls.title,
            severity=cls.severity,
            what=cls.what,
            why=cls.why,
            fix=cls.fix,
            face="lint",
            examples_bad=cls.bad,
            examples_good=cls.good,
            references=cls.references,
        )


LINT_RULES: dict[str, LintRule] = {}


def lint_rule(cls: type[LintRule]) -> type[LintRule]:
    """Class decorator: put the rule in the shared registry and in the lint table."""
    register(cls.as_rule())
    LINT_RULES[cls.code] = cls()
    return cls
