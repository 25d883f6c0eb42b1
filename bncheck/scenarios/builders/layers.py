"""``tf.compat.v1.layers.batch_normalization``: updates go to tf.GraphKeys.UPDATE_OPS."""

from __future__ import annotations

from typing import Any

from bncheck.scenarios.builders import BatchNormLayer, from_layer


def build_layers(
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
    **layer_options: Any,
) -> BatchNormLayer:
    v1 = tf.compat.v1
    before = set(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
    # The class is what tf.compat.v1.layers.batch_normalization builds; keeping it tells us `fused`.
    layer = v1.layers.BatchNormalization(
        momentum=momentum,
        epsilon=epsilon,
        center=center,
        scale=scale,
        fused=fused,
        name=name,
        **layer_options,
    )
    output = layer.apply(inputs, training=training)
    update_ops = [op for op in v1.get_collection(v1.GraphKeys.UPDATE_OPS) if op not in before]
    return from_layer("layers", layer, output, momentum, update_ops)
