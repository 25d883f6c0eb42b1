"""Keras ``BatchNormalization`` in graph mode: the ``tf.compat.v1.keras`` class and the TF2 ``tf.keras`` one.

Their update ops live on the layer (``layer.updates``); nothing is added to
tf.GraphKeys.UPDATE_OPS (tensorflow issues #19643 and #23873).  The two classes differ in
what ``trainable = False`` means: the TF2 class then runs in inference mode.
"""

from __future__ import annotations

from typing import Any

from bncheck.scenarios.builders import BatchNormLayer, from_layer


def _build(
    cls: Any,
    api: str,
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
    layer = cls(
        momentum=momentum,
        epsilon=epsilon,
        center=center,
        scale=scale,
        fused=fused,
        name=name,
        **layer_options,
    )
    output = layer(inputs, training=training)
    return from_layer(api, layer, output, momentum, list(layer.updates))


def build_keras(tf: Any, inputs: Any, training: Any, **options: Any) -> BatchNormLayer:
    """``tf.compat.v1.keras.layers.BatchNormalization``."""
    return _build(tf.compat.v1.keras.layers.BatchNormalization, "keras", inputs, training, **options)


def build_keras_v2(tf: Any, inputs: Any, training: Any, **options: Any) -> BatchNormLayer:
    """``tf.keras.layers.BatchNormalization`` (tf-keras, as TF_USE_LEGACY_KERAS=1 makes ``tf.keras``)."""
    return _build(tf.keras.layers.BatchNormalization, "keras_v2", inputs, training, **options)
