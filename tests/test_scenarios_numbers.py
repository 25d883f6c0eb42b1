"""Scenario runs against numbers recomputed independently with numpy."""

from __future__ import annotations

import numpy as np
import pytest

from bncheck import tfcompat
from bncheck.scenarios import spec
from bncheck.scenarios.runner import run_scenario

from tests import requires

pytestmark = requires.tf  # every test here runs a scenario

EPSILON = 1e-3


@pytest.fixture(scope="module")
def cpu():
    return tfcompat.select_device("cpu")


def _run(name: str, cpu, overrides=()):
    return run_scenario(spec.load(name, list(overrides)), cpu)


def _batch_moments(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    axes = tuple(range(batch.ndim - 1))
    data = batch.astype(np.float64)
    return data.mean(axis=axes), data.var(axis=axes), int(np.prod(batch.shape[:-1]))


@pytest.mark.parametrize("steps", [1, 3, 7])
def test_moving_mean_after_k_steps_is_one_minus_momentum_to_the_k_times_batch_mean(cpu, steps):
    result = _run("control-dependencies-fix", cpu, [("train.steps", steps)])
    fixed = result.variant("under control_dependencies (the fix)")
    batch_mean, _, _ = _batch_moments(fixed.arrays["input"])
    expected = (1 - 0.99**steps) * batch_mean
    np.testing.assert_allclose(fixed.arrays["moving_mean"], expected, rtol=1e-4)
    assert fixed.observations["moving_mean_follows_momentum"] is True


def test_missing_update_ops_leaves_moving_stats_at_zero_and_one(cpu):
    result = _run("missing-update-ops", cpu, [("train.steps", 10)])
    buggy = result.variants[0]
    np.testing.assert_array_equal(buggy.arrays["moving_mean"], np.zeros(3))
    np.testing.assert_array_equal(buggy.arrays["moving_variance"], np.ones(3))
    # gamma/beta did train: the optimizer ran
    gamma_after = next(s for s in buggy.snapshots["after_train"] if s.name.endswith("gamma"))
    assert gamma_after.value.values != [1.0, 1.0, 1.0]
    # inference output is the input divided by sqrt(1 + eps), scaled by gamma and shifted by beta
    batch = buggy.arrays["input"].astype(np.float64)
    gamma = np.asarray(gamma_after.value.values)
    beta = np.asarray(next(s for s in buggy.snapshots["after_train"] if s.name.endswith("beta")).value.values)
    np.testing.assert_allclose(
        buggy.arrays["test_output"], gamma * batch / np.sqrt(1 + EPSILON) + beta, rtol=1e-4
    )
    assert result.passed


def test_fused_kernel_stores_unbiased_and_non_fused_biased_variance(cpu):
    result = _run("fused-variance", cpu)
    fused, plain = result.variant("fused = true"), result.variant("fused = false")
    _, biased, count = _batch_moments(fused.arrays["input"])
    kept = 0.9**3
    np.testing.assert_allclose(
        fused.arrays["moving_variance"], kept + (1 - kept) * biased * count / (count - 1), rtol=1e-4
    )
    np.testing.assert_allclose(plain.arrays["moving_variance"], kept + (1 - kept) * biased, rtol=1e-4)
    assert fused.observations["moving_variance_ratio"] == pytest.approx(count / (count - 1), rel=1e-3)
    assert plain.observations["moving_variance_ratio"] == pytest.approx(1.0, rel=1e-3)
    np.testing.assert_allclose(fused.arrays["moving_mean"], plain.arrays["moving_mean"], rtol=1e-5)


def test_decay_zero_copies_batch_stats_and_decay_one_leaves_raw_input(cpu):
    result = _run("decay-sweep", cpu)
    zero = result.variant("decay 0")
    batch_mean, biased, _ = _batch_moments(zero.arrays["input"])
    np.testing.assert_allclose(zero.arrays["moving_mean"], batch_mean, rtol=1e-5)
    np.testing.assert_allclose(zero.arrays["moving_variance"], biased, rtol=1e-4)
    np.testing.assert_allclose(zero.arrays["test_output"], zero.arrays["train_output"], atol=1e-4)
    expected_train = (zero.arrays["input"] - batch_mean) / np.sqrt(biased + EPSILON)
    np.testing.assert_allclose(zero.arrays["train_output"], expected_train, rtol=1e-4, atol=1e-4)

    one = result.variant("decay 1")
    np.testing.assert_array_equal(one.arrays["moving_mean"], [0.0])
    np.testing.assert_array_equal(one.arrays["moving_variance"], [1.0])
    np.testing.assert_allclose(
        one.arrays["test_output"], one.arrays["input"] / np.sqrt(1 + EPSILON), rtol=1e-5
    )

    half = result.variant("decay 0.5")
    np.testing.assert_allclose(half.arrays["moving_mean"], 0.5 * batch_mean, rtol=1e-5)
    assert result.passed


def test_decay_sweep_trajectory_follows_the_formula_at_every_step(cpu):
    result = _run("decay-sweep", cpu, [("trajectory.steps", 50)])
    trajectory = result.trajectory
    assert set(trajectory.series) == {"0.9", "0.99", "0.999"}
    for momentum, series in trajectory.series.items():
        expected = [(1 - float(momentum) ** (k + 1)) * trajectory.batch_mean for k in range(50)]
        np.testing.assert_allclose(series, expected, rtol=1e-4)


def test_control_dependency_demo_gives_three_without_and_twelve_with(cpu):
    result = _run("control-dependencies-demo", cpu)
    assert result.variant("no control dependency").observations == {"sum": 3.0, "a_after": 1.0}
    assert result.variant("with tf.control_dependencies([assign_a])").observations == {
        "sum": 12.0,
        "a_after": 10.0,
    }


def test_trainable_only_saver_restore_raises_not_found_for_moving_mean(cpu):
    result = _run("trainable-only-saver", cpu, [("train.steps", 3)])
    broken = result.variants[0]
    assert broken.observations["restore_failed"] is True
    assert "bn/moving_mean" in broken.observations["restore_error"]
    assert broken.observations["saved_variables"] == ["bn/beta", "bn/gamma"]
    fixed = result.variant("fix: all global variables")
    np.testing.assert_array_equal(fixed.arrays["restored_output"], fixed.arrays["test_output"])
    silent = result.variant("trainable-only Saver, restored with the same var_list")
    assert not np.allclose(silent.arrays["restored_output"], silent.arrays["test_output"])


def test_degenerate_batch_outputs_beta(cpu):
    result = _run("degenerate-batch", cpu)
    for variant in result.variants:
        np.testing.assert_allclose(variant.arrays["train_output"], np.zeros((1, 2, 2, 3)), atol=1e-6)
    assert result.passed


def test_accuracy_gap_buggy_graph_is_near_chance_in_inference_mode(cpu):
    result = _run("accuracy-gap", cpu)
    buggy, fixed = result.variants
    assert buggy.observations["train_accuracy"] >= 0.9
    assert buggy.observations["test_accuracy"] <= buggy.observations["chance"] + 0.2
    assert fixed.observations["test_accuracy"] >= fixed.observations["train_accuracy"] - 0.1


def test_contrib_adapter_has_slim_names_and_defaults(cpu):
    result = _run("contrib-defaults", cpu)
    contrib = result.variant("contrib/slim batch_norm, defaults")
    names = [s.name for s in contrib.snapshots["initial"]]
    assert names == ["BatchNorm/beta", "BatchNorm/moving_mean", "BatchNorm/moving_variance"]
    batch_mean, _, _ = _batch_moments(contrib.arrays["input"])
    np.testing.assert_allclose(contrib.arrays["moving_mean"], (1 - 0.999**5) * batch_mean, rtol=1e-4)
    in_place = result.variant("contrib/slim batch_norm, updates_collections=None")
    assert in_place.observations["update_ops_in_collection"] == 0
    np.testing.assert_allclose(in_place.arrays["moving_mean"], (1 - 0.999**5) * batch_mean, rtol=1e-4)


def test_keras_layer_adds_nothing_to_update_ops(cpu):
    result = _run("keras-graph-mode", cpu)
    assert result.variants[0].observations["update_ops_in_collection"] == 0
    assert result.variants[0].observations["moving_stats_unchanged"] is True
    assert result.variants[1].observations["moving_mean_follows_momentum"] is True
