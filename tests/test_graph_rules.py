"""BN201-BN204 in the shared registry, and the promise that none of it imports TensorFlow."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bncheck.cli import main
from bncheck.findings import Severity, all_rules, get_rule

CODES = ("BN201", "BN202", "BN203", "BN204")


@pytest.mark.parametrize("code", CODES)
def test_rule_is_registered_with_explanation_and_examples(code):
    rule = get_rule(code)
    assert rule is not None and rule.code == code
    assert rule.face == ("trace" if code == "BN204" else "graph")
    assert rule.severity is Severity.ERROR
    assert len(rule.what) > 60 and len(rule.why) > 60 and len(rule.fix) > 30
    for example in rule.examples_bad + rule.examples_good:
        compile(example, f"<{code} example>", "exec")  # examples are valid Python
    assert rule.examples_bad and rule.examples_good


def test_graph_rules_are_listed_in_order():
    codes = [rule.code for rule in all_rules()]
    assert [code for code in codes if code.startswith("BN2")] == list(CODES)


def test_explain_bn201_prints_what_why_example_fix(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["explain", "bn201"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    for heading in ("What it finds", "Why it is a bug", "Example", "Use instead", "Fix"):
        assert f"\n{heading}\n" in out
    assert "UPDATE_OPS" in out


def test_import_bncheck_and_rules_does_not_import_tensorflow():
    code = (
        "import sys, bncheck, bncheck.graph, bncheck.trace, bncheck.graph.rules, bncheck.commands.graph;"
        "from bncheck.findings import all_rules; all_rules();"
        "callable(bncheck.__getattr__);"
        "print('tensorflow' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_bncheck_module_exposes_test_api_lazily():
    import bncheck

    assert bncheck.__version__ == "0.1.0"
    with pytest.raises(AttributeError):
        bncheck.no_such_thing  # noqa: B018
