"""Every built-in scenario holds on the installed TensorFlow, on CPU."""

from __future__ import annotations

import pytest

from bncheck import tfcompat
from bncheck.scenarios import spec
from bncheck.scenarios.runner import run_scenario

from tests import requires

pytestmark = requires.tf  # every test here runs a scenario

NAMES = sorted(spec.builtin_files())


def test_the_documented_scenarios_exist():
    required = {
        "multi-tower-update-ops",
        "keras-frozen-bn",
        "eval-graph-training-true",
        "renorm",
        "virtual-batch-size",
        "batch-size-one",
        "missing-update-ops",
        "control-dependencies-fix",
        "fetch-update-ops",
        "update-ops-collected-too-early",
        "control-dependencies-demo",
        "nn-manual",
        "contrib-defaults",
        "decay-sweep",
        "trainable-only-saver",
        "fused-variance",
        "accuracy-gap",
        "degenerate-batch",
    }
    assert required <= set(NAMES)


@pytest.mark.parametrize("grappler", [False, True], ids=["plain", "grappler"])
@pytest.mark.parametrize("name", NAMES)
def test_scenario_expectations_hold_on_cpu(name, grappler):
    scenario = spec.load(name)
    result = run_scenario(scenario, tfcompat.select_device("cpu"), optimize_graphs=grappler)
    failed = [e for e in result.expectations if not e.passed]
    assert not failed, f"{name}: {[(e.variant, e.observation, e.expected, e.observed) for e in failed]}"
    assert result.expectations, f"{name} checks nothing"
    assert "CPU:0" in result.devices_used


@pytest.mark.gpu
def test_missing_update_ops_runs_on_the_gpu():
    device = tfcompat.select_device("gpu")
    result = run_scenario(spec.load("missing-update-ops"), device)
    assert device.kind == "GPU"
    assert any(placed.startswith("GPU") for placed in result.devices_used)
    assert result.passed


def test_a_run_leaves_tensorflows_control_flow_setting_as_it_found_it():
    tf = tfcompat.load()
    before = tf.compat.v1.control_flow_v2_enabled()
    result = run_scenario(spec.load("nn-manual"), tfcompat.select_device("cpu"))
    assert result.passed
    assert tf.compat.v1.control_flow_v2_enabled() == before
