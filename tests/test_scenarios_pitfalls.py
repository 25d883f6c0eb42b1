"""The newer pitfall scenarios against numbers recomputed independently with numpy.

Every batch is regenerated here from the scenario file's own seed and distribution, and every
statistic is recomputed from its definition, without bncheck's measurement helpers.
"""

from __future__ import annotations

import itertools

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
    result = run_scenario(spec.load(name, list(overrides)), cpu)
    return result


def _uniform(seed: int, low: float, high: float, shape) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(np.float32).astype(np.float64)


def test_first_tower_updates_follow_the_first_towers_batch_mean_only(cpu):
    result = _run("multi-tower-update-ops", cpu)
    assert result.passed
    first = result.variant("get_collection(UPDATE_OPS, scope='tower_0') (the bug)")
    tower_0 = _uniform(0, 0.0, 10.0, (8, 3)).mean(axis=0)
    np.testing.assert_allclose(first.arrays["moving_mean"], (1 - 0.9**5) * tower_0, rtol=1e-5)
    assert first.observations["update_ops_wired"] == 2


def test_every_towers_batch_moves_the_statistics_once_per_step(cpu):
    result = _run("multi-tower-update-ops", cpu)
    every = result.variant("get_collection(UPDATE_OPS) from every tower (the fix)")
    means = [
        _uniform(0, 0.0, 10.0, (8, 3)).mean(axis=0),
        (_uniform(1, 0.0, 10.0, (8, 3)) + 100.0).mean(axis=0),
    ]
    history = [np.asarray(h, np.float64) for h in every.arrays["moving_mean_history"]]
    assert len(history) == 6
    for before, after in zip(history, history[1:]):
        orders = [
            0.9 * (0.9 * before + 0.1 * means[a]) + 0.1 * means[b]
            for a, b in itertools.permutations(range(2))
        ]
        orders.append(before - 0.1 * ((before - means[0]) + (before - means[1])))
        assert any(np.allclose(after, candidate, rtol=1e-5) for candidate in orders), (before, after)
    # both towers pulled it: far above what the first tower alone gives
    assert np.all(every.arrays["moving_mean"] > 2 * (1 - 0.9**5) * means[0])


def test_eval_batches_through_a_training_true_graph_overwrite_the_moving_statistics(cpu):
    result = _run("eval-graph-training-true", cpu)
    assert result.passed
    bug = result.variant("contrib/slim in place, eval graph training=True (the bug)")
    eval_batches = [_uniform(1 + j, 0.0, 255.0, (8, 4, 4, 3)) + 50.0 for j in range(5)]
    np.testing.assert_allclose(
        np.concatenate([b.ravel() for b in bug.arrays["eval_batches"]]),
        np.concatenate([b.ravel() for b in eval_batches]),
        rtol=1e-6,
    )
    mean_before, variance_before = (np.asarray(v, np.float64) for v in bug.arrays["stats_before_eval"])
    mean, variance = mean_before, variance_before
    count = 8 * 4 * 4
    for batch in eval_batches:  # one decay per evaluation batch; the fused kernel keeps n/(n-1) variances
        mean = 0.9 * mean + 0.1 * batch.mean(axis=(0, 1, 2))
        variance = 0.9 * variance + 0.1 * batch.var(axis=(0, 1, 2)) * count / (count - 1)
    mean_after, variance_after = bug.arrays["stats_after_eval"]
    np.testing.assert_allclose(mean_after, mean, rtol=1e-5)
    np.testing.assert_allclose(variance_after, variance, rtol=1e-4)
    assert not np.allclose(bug.arrays["output_after_eval"], bug.arrays["output_before_eval"])

    fixed = result.variant("contrib/slim in place, eval graph training=False (the fix)")
    for before, after in zip(fixed.arrays["stats_before_eval"], fixed.arrays["stats_after_eval"]):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(fixed.arrays["output_before_eval"], fixed.arrays["output_after_eval"])


def test_frozen_keras_bn_v1_class_uses_batch_stats_and_the_tf2_class_the_moving_ones(cpu):
    result = _run("keras-frozen-bn", cpu)
    assert result.passed
    batch = np.random.default_rng(0).normal(5.0, 2.0, size=(8, 4, 4, 3)).astype(np.float32).astype(np.float64)
    mean, variance = batch.mean(axis=(0, 1, 2)), batch.var(axis=(0, 1, 2))

    v1_class = result.variant("tf.compat.v1.keras BN, trainable=False, training=True (the bug)")
    state = v1_class.arrays["before_last_step"]
    gamma, beta = np.ravel(state["gamma"]), np.ravel(state["beta"])
    np.testing.assert_allclose(
        v1_class.arrays["train_output"],
        gamma * (batch - mean) / np.sqrt(variance + EPSILON) + beta,
        rtol=1e-4,
        atol=1e-4,
    )
    np.testing.assert_array_equal(v1_class.arrays["moving_mean"], np.zeros(3))
    np.testing.assert_array_equal(v1_class.arrays["moving_variance"], np.ones(3))

    v2_class = result.variant("tf.keras (TF2 class) BN, trainable=False, training=True")
    state = v2_class.arrays["before_last_step"]
    gamma, beta = np.ravel(state["gamma"]), np.ravel(state["beta"])
    np.testing.assert_allclose(
        v2_class.arrays["train_output"], gamma * batch / np.sqrt(1 + EPSILON) + beta, rtol=1e-4, atol=1e-4
    )
    # trainable = False did not keep minimize() away from gamma
    gamma_after = next(s for s in v2_class.snapshots["after_train"] if s.name.endswith("gamma"))
    assert not np.allclose(gamma_after.value.values, 1.0)


def test_renorm_first_step_corrects_the_batch_statistics_with_clipped_r_and_d(cpu):
    result = _run("renorm", cpu, [("train.steps", 1)])
    renorm = result.variant("renorm=True, clipping rmax 3 rmin 1/3 dmax 5")
    batch = np.random.default_rng(0).normal(50.0, 10.0, size=(4, 3)).astype(np.float32).astype(np.float64)
    mean, stddev = batch.mean(axis=0), np.sqrt(batch.var(axis=0) + EPSILON)
    # before the first step renorm_mean = 0 and renorm_stddev = 1
    r = np.clip(stddev / 1.0, 1 / 3, 3.0)
    d = np.clip((mean - 0.0) / 1.0, -5.0, 5.0)
    np.testing.assert_allclose(
        renorm.arrays["train_output"], (batch - mean) / stddev * r + d, rtol=1e-4, atol=1e-4
    )
    plain = result.variant("plain BN")
    np.testing.assert_allclose(plain.arrays["train_output"], (batch - mean) / stddev, rtol=1e-4, atol=1e-4)


def test_renorm_narrows_the_train_inference_gap_on_a_small_shifted_batch(cpu):
    result = _run("renorm", cpu)
    plain, renorm = result.variants
    gap = {
        v.label: float(np.max(np.abs(v.arrays["test_output"] - v.arrays["train_output"])))
        for v in result.variants
    }
    assert gap[renorm.label] < gap[plain.label] / 2
    assert result.passed


def test_ghost_batches_are_strided_rows_and_the_moving_variance_is_their_mean(cpu):
    result = _run("virtual-batch-size", cpu)
    assert result.passed
    batch = _uniform(0, 0.0, 255.0, (8, 3))
    ghosts = [[j, j + 4] for j in range(4)]  # reshape [8, C] -> [2, 4, C], reduce over the first axis
    expected = np.empty_like(batch)
    ghost_variances = []
    for rows in ghosts:
        part = batch[rows]
        expected[rows] = (part - part.mean(axis=0)) / np.sqrt(part.var(axis=0) + EPSILON)
        ghost_variances.append(part.var(axis=0))
    ghost = result.variant("virtual_batch_size=2, training=True")
    np.testing.assert_allclose(ghost.arrays["train_output"], expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ghost.arrays["moving_mean"].ravel(), 0.1 * batch.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(
        ghost.arrays["moving_variance"].ravel(), 0.9 + 0.1 * np.mean(ghost_variances, axis=0), rtol=1e-5
    )

    placeholder = result.variant("virtual_batch_size=2, training placeholder fed True (the bug)")
    whole = (batch - batch.mean(axis=0)) / np.sqrt(batch.var(axis=0) + EPSILON)
    np.testing.assert_allclose(placeholder.arrays["train_output"], whole, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(
        placeholder.arrays["moving_variance"].ravel(), 0.9 + 0.1 * batch.var(axis=0), rtol=1e-5
    )

    uneven = result.variant("virtual_batch_size=3 on a batch of 8")
    assert "24 values" in uneven.observations["error"] and "multiple of 9" in uneven.observations["error"]


def test_batch_of_one_is_instance_norm_on_images_and_beta_on_dense_input(cpu):
    result = _run("batch-size-one", cpu)
    assert result.passed
    image = _uniform(0, 0.0, 255.0, (1, 4, 4, 3))
    mean, variance = image.mean(axis=(0, 1, 2)), image.var(axis=(0, 1, 2))
    spatial = result.variant("spatial input [1, 4, 4, 3]")
    np.testing.assert_allclose(
        spatial.arrays["train_output"], (image - mean) / np.sqrt(variance + EPSILON), rtol=1e-4, atol=1e-4
    )
    kept = 0.9**3
    np.testing.assert_allclose(
        spatial.arrays["moving_variance"], kept + (1 - kept) * variance * 16 / 15, rtol=1e-4
    )

    dense_input = _uniform(0, 0.0, 255.0, (1, 3))
    dense = result.variant("dense input [1, 3] (the bug)")
    np.testing.assert_allclose(dense.arrays["train_output"], np.zeros((1, 3)), atol=1e-5)
    np.testing.assert_allclose(dense.arrays["moving_variance"], np.full(3, kept), rtol=1e-5)
    moving_mean = (1 - kept) * dense_input[0]
    np.testing.assert_allclose(dense.arrays["moving_mean"], moving_mean, rtol=1e-5)
    np.testing.assert_allclose(
        dense.arrays["test_output"], (dense_input - moving_mean) / np.sqrt(kept + EPSILON), rtol=1e-4
    )
