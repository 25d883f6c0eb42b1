"""``tf.compat.v1.keras.layers.BatchNormalization`` in graph mode.

Its update ops live on the layer (``layer.updates``); nothing is added to
tf.GraphKeys.UPDATE_OPS (tensorflow issues #19643 and #23873).
"""

from __future__ import annotations

from typing import Any

from bncheck.scenarios.builders import BatchNormLayer, from_layer


def build_keras(tf: Any, inputs: Any, training: Any, *, name: str, momentum: float, epsilon: float,
                center: bool, scale: bool, fused: bool | None, in_place: bool) -> BatchNormLayer:
    layer = tf.compat.v1.keras.layers.BatchNormalization(
        momentum=momentum, epsilon=epsilon, center=center, scale=scale, fused=fused, name=name
    )
    output = layer(inputs, training=training)
    return from_layer("keras", layer, output, momentum, list(layer.updates))
