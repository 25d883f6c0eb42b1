"""The BN1xx rules in the registry, and the TensorFlow-free parts of the audit (naming, object graph)."""

from __future__ import annotations

import subprocess
import sys

from bncheck.audit import objectgraph
from bncheck.audit.grouping import group_layers
from bncheck.findings import Severity, all_rules, get_rule

AUDIT_CODES = ("BN101", "BN102", "BN103", "BN104", "BN105", "BN106")


def test_every_audit_rule_is_registered_with_docs_and_examples():
    rules = [rule for rule in all_rules() if rule.face == "audit"]
    assert tuple(rule.code for rule in rules) == AUDIT_CODES
    for rule in rules:
        assert rule.what and rule.why and rule.fix and rule.title
        assert rule.examples_bad and rule.examples_good
    assert get_rule("BN106").severity is Severity.INFO
    assert {get_rule(code).severity for code in ("BN101", "BN102", "BN103")} == {Severity.ERROR}


def test_rules_module_and_explain_do_not_import_tensorflow():
    code = (
        "import sys; import bncheck.audit.rules, bncheck.audit.grouping, bncheck.audit.inputs; "
        "from bncheck.commands.rules import explanation_text; from bncheck.findings import get_rule; "
        "explanation_text(get_rule('BN101')); print('tensorflow' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def _shapes(*names: str, channels: int = 8) -> dict[str, tuple[int, ...]]:
    return {name: (channels,) for name in names}


def test_grouping_ignores_optimizer_slots_and_ema_shadows():
    shapes = _shapes(
        "block/bn/gamma",
        "block/bn/beta",
        "block/bn/moving_mean",
        "block/bn/moving_variance",
        "block/bn/gamma/Adam",
        "block/bn/gamma/Adam_1",
        "block/bn/beta/Momentum",
        "block/bn/beta/RMSProp_1",
        "block/bn/moving_mean/ExponentialMovingAverage",
        "ExponentialMovingAverage/other/bn/gamma",
    )
    layers = group_layers(shapes)
    assert [(layer.name, [role for role, _ in layer.variables]) for layer in layers] == [
        ("block/bn", ["gamma", "beta", "moving_mean", "moving_variance"])
    ]


def test_grouping_keeps_renorm_extras_and_skips_layer_norm():
    shapes = _shapes(
        "bn/gamma",
        "bn/beta",
        "bn/moving_mean",
        "bn/moving_variance",
        "bn/renorm_mean",
        "bn/renorm_stddev",
        "encoder/layer_norm/gamma",
        "encoder/layer_norm/beta",
        "head/batch_normalization/gamma",
        "head/batch_normalization/beta",
    )
    shapes["conv/kernel"] = (3, 3, 8, 8)
    layers = group_layers(shapes)
    assert [(layer.name, [role for role, _ in layer.variables]) for layer in layers] == [
        ("bn", ["gamma", "beta", "moving_mean", "moving_variance", "renorm_mean", "renorm_stddev"]),
        ("head/batch_normalization", ["gamma", "beta"]),
    ]


def test_object_graph_decoder_reads_keys_and_full_names():
    def field(number: int, payload: bytes) -> bytes:
        return bytes([number << 3 | 2, len(payload)]) + payload

    attribute = (
        field(1, b"VARIABLE_VALUE")
        + field(2, b"net/bn1/gamma")
        + field(3, b"opt/_vars/2/.ATTRIBUTES/VARIABLE_VALUE")
    )
    node = field(2, attribute)
    graph = field(1, b"") + field(1, node)
    assert objectgraph.variable_names(graph) == {"opt/_vars/2/.ATTRIBUTES/VARIABLE_VALUE": "net/bn1/gamma"}


def test_audit_help_does_not_import_tensorflow():
    code = (
        "import sys; from bncheck.cli import main\n"
        "try:\n    main(['audit', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('tensorflow' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--fail-on [error|warning|info|never]" in result.stdout
    assert result.stderr.strip() == "False"
