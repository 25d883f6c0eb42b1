"""Every lint rule's own examples: each bad one is reported by that rule exactly where its
``# expect: BNxxx`` markers say, and no good one is."""

from __future__ import annotations

import io
import pkgutil
import re
import tokenize

import pytest

import bncheck.lint.rules as rules_package

from bncheck.findings import all_rules, get_rule
from bncheck.lint.api import lint_source
from bncheck.lint.config import LintConfig
from bncheck.lint.rulebase import LINT_RULES

import bncheck.lint.rules  # noqa: F401 - registers the rules

# BN010 is opt-in: its examples run with a target TensorFlow of 2.16
CONFIG = LintConfig(target_version="2.16")
CASES_BAD = [(code, index) for code, rule in sorted(LINT_RULES.items()) for index in range(len(rule.bad))]
CASES_GOOD = [(code, index) for code, rule in sorted(LINT_RULES.items()) for index in range(len(rule.good))]


_EXPECT = re.compile(r"#\s*expect:\s*(BN\d{3}(?:\s*,\s*BN\d{3})*)")


def expected_findings(source: str) -> set[tuple[int, str]]:
    """The ``(line, code)`` pairs that an example's ``# expect:`` comments name."""
    expected: set[tuple[int, str]] = set()
    lines = source.splitlines()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        comments = [(token.start[0], token.string) for token in tokens if token.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        # a BN000 example does not tokenize: its markers are read from the text of each line
        comments = [(number, line[line.index("#") :]) for number, line in enumerate(lines, 1) if "#" in line]
    for line, text in comments:
        match = _EXPECT.search(text)
        if match:
            expected |= {(line, code.strip()) for code in match.group(1).split(",")}
    return expected


def test_every_rule_module_registers_one_rule_with_three_examples_each_way() -> None:
    modules = [info.name for info in pkgutil.iter_modules(rules_package.__path__)]
    codes = sorted(LINT_RULES)
    assert len(codes) == len(modules), (codes, modules)
    for code in codes:
        assert any(module.startswith(code.lower() + "_") for module in modules), code
        rule = get_rule(code)
        assert rule is not None and rule.face == "lint"
        assert len(rule.examples_bad) >= 3 and len(rule.examples_good) >= 3, code
        assert rule.what and rule.why and rule.fix
    assert {rule.code for rule in all_rules()} >= set(codes)


@pytest.mark.parametrize(("code", "index"), CASES_BAD, ids=[f"{c}-bad{i}" for c, i in CASES_BAD])
def test_bad_example_is_reported_by_its_rule_on_its_marked_lines(code: str, index: int) -> None:
    source = LINT_RULES[code].bad[index]
    expected = {(line, marked) for line, marked in expected_findings(source) if marked == code}
    assert expected, f"{code} bad example {index} marks no line with `# expect: {code}`"
    findings = lint_source(source, path="example.py", config=CONFIG)
    assert {(f.location.line, f.code) for f in findings if f.code == code} == expected, findings
    for finding in findings:
        assert finding.location.path == "example.py"
        assert 1 <= finding.location.line <= source.count("\n") + 1


@pytest.mark.parametrize(("code", "index"), CASES_GOOD, ids=[f"{c}-good{i}" for c, i in CASES_GOOD])
def test_good_example_is_not_reported_by_its_rule(code: str, index: int) -> None:
    findings = lint_source(LINT_RULES[code].good[index], path="example.py", config=CONFIG)
    assert code not in [finding.code for finding in findings], findings


def test_bn010_is_silent_without_a_target_version() -> None:
    source = LINT_RULES["BN010"].bad[0]
    assert "BN010" not in [f.code for f in lint_source(source)]
    assert "BN010" not in [f.code for f in lint_source(source, config=LintConfig(target_version="2.15"))]
    assert "BN010" in [f.code for f in lint_source(source, config=LintConfig(extend_select=("BN010",)))]


def test_bn005_decay_zero_is_a_warning_and_one_an_error() -> None:
    zero = lint_source(LINT_RULES["BN005"].bad[1])
    one = lint_source(LINT_RULES["BN005"].bad[0])
    assert [f.severity.label for f in zero if f.code == "BN005"] == ["warning"]
    assert [f.severity.label for f in one if f.code == "BN005"] == ["error"]


def test_bn001_points_at_the_line_of_the_minimize_call() -> None:
    findings = [f for f in lint_source(LINT_RULES["BN001"].bad[0]) if f.code == "BN001"]
    assert [(f.location.line, f.location.column) for f in findings] == [(5, 12)]
