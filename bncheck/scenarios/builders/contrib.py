"""The semantics of ``tf.contrib.layers.batch_norm`` / ``slim.batch_norm``, rebuilt.

tf.contrib is gone and tf-slim no longer imports on current TensorFlow, yet many
scripts and checkpoints follow its conventions: scope ``BatchNorm``, decay 0.999,
``center=True``, ``scale=False`` (no gamma), ``is_training=True``, updates in
``updates_collections`` (UPDATE_OPS) or, with ``updates_collections=None``,
forced in place through control dependencies.  This adapter follows contrib's
own code path: ``tf.nn.moments`` or the fused kernel for the batch statistics,
TensorFlow's ``assign_moving_average`` for the updates, ``tf.nn.batch_normalization``.
"""

from __future__ import annotations

from typing import Any

from bncheck import tfcompat
from bncheck.scenarios.builders import BatchNormLayer


def _smart_cond(tf: Any, predicate: Any, true_fn, false_fn):
    if isinstance(predicate, bool):
        return true_fn() if predicate else false_fn()
    return tf.compat.v1.cond(predicate, true_fn, false_fn)


def batch_norm(
    tf: Any,
    inputs: Any,
    *,
    decay: float = 0.999,
    center: bool = True,
    scale: bool = False,
    epsilon: float = 0.001,
    is_training: Any = True,
    updates_collections: Any = "UPDATE_OPS",
    fused: bool | None = None,
    scope: str | None = None,
) -> BatchNormLayer:
    """contrib/slim ``batch_norm`` over TensorFlow's own ops; returns the layer's parts."""
    v1 = tf.compat.v1
    assign_moving_average = tfcompat.assign_moving_average()
    if updates_collections == "UPDATE_OPS":
        updates_collections = v1.GraphKeys.UPDATE_OPS
    rank = inputs.shape.rank
    if fused is None:
        fused = rank == 4  # contrib used the fused kernel whenever the input was 4-D
    channels = inputs.shape[-1:]
    moving_collections = [v1.GraphKeys.GLOBAL_VARIABLES, v1.GraphKeys.MOVING_AVERAGE_VARIABLES]
    with v1.variable_scope(scope, default_name="BatchNorm", values=[inputs]) as variable_scope:
        beta = v1.get_variable("beta", channels, initializer=v1.zeros_initializer()) if center else None
        gamma = v1.get_variable("gamma", channels, initializer=v1.ones_initializer()) if scale else None
        moving_mean = v1.get_variable(
            "moving_mean",
            channels,
            initializer=v1.zeros_initializer(),
            trainable=False,
            collections=moving_collections,
        )
        moving_variance = v1.get_variable(
            "moving_variance",
            channels,
            initializer=v1.ones_initializer(),
            trainable=False,
            collections=moving_collections,
        )
        offset = beta if beta is not None else tf.zeros(channels)
        multiplier = gamma if gamma is not None else tf.ones(channels)

        if fused:

            def batch_moments():
                _, mean, variance = v1.nn.fused_batch_norm(
                    inputs, multiplier, offset, epsilon=epsilon, is_training=True
                )
                return mean, variance  # the fused kernel's variance is Bessel-corrected
        else:

            def batch_moments():
                return tf.nn.moments(inputs, list(range(rank - 1)))

        mean, variance = batch_moments()
        update_ops: list = []

        def moving_stats():
            return tf.identity(moving_mean), tf.identity(moving_variance)

        if updates_collections is None:

            def force_updates():
                update_mean = assign_moving_average(moving_mean, mean, decay, zero_debias=False)
                update_variance = assign_moving_average(moving_variance, variance, decay, zero_debias=False)
                with tf.control_dependencies([update_mean, update_variance]):
                    return tf.identity(mean), tf.identity(variance)

            used_mean, used_variance = _smart_cond(tf, is_training, force_updates, moving_stats)
        else:

            def delay_updates():
                return (
                    assign_moving_average(moving_mean, mean, decay, zero_debias=False),
                    assign_moving_average(moving_variance, variance, decay, zero_debias=False),
                )

            update_mean, update_variance = _smart_cond(tf, is_training, delay_updates, moving_stats)
            update_ops = [update_mean, update_variance]
            for update in update_ops:
                v1.add_to_collections(updates_collections, update)
            used_mean, used_variance = _smart_cond(tf, is_training, lambda: (mean, variance), moving_stats)
        if fused:
            output, _, _ = v1.nn.fused_batch_norm(
                inputs,
                multiplier,
                offset,
                mean=used_mean,
                variance=used_variance,
                epsilon=epsilon,
                is_training=False,
            )
        else:
            output = tf.nn.batch_normalization(inputs, used_mean, used_variance, beta, gamma, epsilon)
        return BatchNormLayer(
            api="contrib",
            scope=variable_scope.name,
            output=output,
            moving_mean=moving_mean,
            moving_variance=moving_variance,
            gamma=gamma,
            beta=beta,
            momentum=decay,
            fused=bool(fused),
            update_ops=update_ops,
            updates_in_place=updates_collections is None,
        )


def build_contrib(
    tf: Any,
    inputs: Any,
    training: Any,
    *,
    name: str,
    momentum: float,
    epsilon: float,
    center: bool,
    scale: bool,
    fused: bool | None,
    in_place: bool,
) -> BatchNormLayer:
    return batch_norm(
        tf,
        inputs,
        decay=momentum,
        center=center,
        scale=scale,
        epsilon=epsilon,
        is_training=training,
        updates_collections=None if in_place else "UPDATE_OPS",
        fused=fused,
        scope=None,
    )
