"""How the shared observations are measured, with numpy, from what TensorFlow returned.

Each function here is the one measurement behind an observation of the same meaning in every
procedure (definitions and tolerances: ``observations``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bncheck.scenarios.observations import MATCH_RTOL, UNCHANGED_ATOL


def unchanged(value: Any, reference: Any) -> bool:
    """Every element within UNCHANGED_ATOL of ``reference`` (same shape)."""
    a, b = np.asarray(value, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= UNCHANGED_ATOL))


def stats_at_initial(moving_mean: Any, moving_variance: Any) -> bool:
    """``moving_stats_unchanged``: still the initial 0 and 1."""
    return unchanged(moving_mean, np.zeros_like(moving_mean)) and unchanged(
        moving_variance, np.ones_like(moving_variance)
    )


def close(a: Any, b: Any, rtol: float = MATCH_RTOL, atol: float | None = None) -> bool:
    """Elementwise match; by default absolute tolerance ``rtol`` times the larger of 1 and max |b|."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:  # shapes that cannot be compared are not close
        return False
    if atol is None:
        atol = rtol * max(1.0, float(np.nanmax(np.abs(b))) if b.size else 1.0)
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


def batch_moments(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Per-channel mean and biased variance over every axis but the last, and the count per channel."""
    axes = tuple(range(batch.ndim - 1))
    data = np.asarray(batch, dtype=np.float64)
    return data.mean(axis=axes), data.var(axis=axes), int(np.prod(batch.shape[:-1]))


def ghost_batches(batch: np.ndarray, size: int) -> np.ndarray:
    """The ghost batches of ``virtual_batch_size = size`` as TensorFlow forms them, [ghosts, size, ...].

    The layer reshapes the batch to [size, n / size, ...] and reduces over the first axis, so ghost
    batch j holds rows j, j + n/size, j + 2n/size, ...
    """
    n = batch.shape[0]
    return np.swapaxes(np.asarray(batch, dtype=np.float64).reshape(size, n // size, *batch.shape[1:]), 0, 1)


def normalized(
    batch: np.ndarray, mean: Any, variance: Any, gamma: Any, beta: Any, epsilon: float
) -> np.ndarray:
    """gamma * (x - mean) / sqrt(variance + epsilon) + beta, in float64."""
    data = np.asarray(batch, dtype=np.float64)
    return np.asarray(gamma) * (data - np.asarray(mean)) / np.sqrt(
        np.asarray(variance) + epsilon
    ) + np.asarray(beta)


def ghost_normalized(batch: np.ndarray, size: int, gamma: Any, beta: Any, epsilon: float) -> np.ndarray:
    """The training-mode output of ghost batch norm, in the batch's row order."""
    ghosts = ghost_batches(batch, size)
    axes = tuple(range(1, ghosts.ndim - 1))
    mean, variance = ghosts.mean(axis=axes, keepdims=True), ghosts.var(axis=axes, keepdims=True)
    out = np.asarray(gamma) * (ghosts - mean) / np.sqrt(variance + epsilon) + np.asarray(beta)
    return np.swapaxes(out, 0, 1).reshape(batch.shape)


def max_difference(a: Any, b: Any) -> float:
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def moving_average(start: np.ndarray, values: list[np.ndarray], momentum: float) -> np.ndarray:
    """``start`` after one update ``v = m * v + (1 - m) * value`` per value, in order."""
    current = np.asarray(start, dtype=np.float64)
    for value in values:
        current = momentum * current + (1 - momentum) * np.asarray(value, dtype=np.float64)
    return current
