"""The manual wrapper around ``tf.nn.moments`` and ``tf.nn.batch_normalization``.

The caller keeps the population statistics itself: ``pop_mean``/``pop_var`` are
assigned under ``tf.control_dependencies`` in the training branch of a
``tf.cond`` on the training placeholder, so they update exactly when the
training-mode output is computed.  With ``in_place=False`` the assigns are
created but nothing depends on them: the classic slip that leaves them at 0/1.
"""

from __future__ import annotations

from typing import Any

from bncheck.scenarios.builders import BatchNormLayer


def build_nn(
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
    v1 = tf.compat.v1
    channels = inputs.shape[-1:]
    axes = list(range(inputs.shape.rank - 1))
    with v1.variable_scope(name) as variable_scope:
        gamma = v1.get_variable("scale", channels, initializer=v1.ones_initializer()) if scale else None
        beta = v1.get_variable("beta", channels, initializer=v1.zeros_initializer()) if center else None
        pop_mean = v1.get_variable("pop_mean", channels, initializer=v1.zeros_initializer(), trainable=False)
        pop_var = v1.get_variable("pop_var", channels, initializer=v1.ones_initializer(), trainable=False)

        def training_branch():
            batch_mean, batch_var = tf.nn.moments(inputs, axes)
            train_mean = v1.assign(pop_mean, pop_mean * momentum + batch_mean * (1 - momentum))
            train_var = v1.assign(pop_var, pop_var * momentum + batch_var * (1 - momentum))
            if in_place:
                with tf.control_dependencies([train_mean, train_var]):
                    return tf.nn.batch_normalization(inputs, batch_mean, batch_var, beta, gamma, epsilon)
            return tf.nn.batch_normalization(inputs, batch_mean, batch_var, beta, gamma, epsilon)

        def inference_branch():
            return tf.nn.batch_normalization(inputs, pop_mean, pop_var, beta, gamma, epsilon)

        if isinstance(training, bool):
            output = training_branch() if training else inference_branch()
        else:
            output = v1.cond(training, training_branch, inference_branch)
    return BatchNormLayer(
        api="nn",
        scope=variable_scope.name,
        output=output,
        moving_mean=pop_mean,
        moving_variance=pop_var,
        gamma=gamma,
        beta=beta,
        momentum=momentum,
        fused=False,
        # the assigns live inside the cond's branch: fetching them from outside is not possible
        update_ops=[],
        updates_in_place=in_place,
    )
