"""One batch-normalization layer per TensorFlow API, built into the current graph.

Every builder returns a ``BatchNormLayer``: the output tensor, the variables,
and the ops that update the moving statistics, wherever that API keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_MOMENTUM = {"layers": 0.99, "keras": 0.99, "keras_v2": 0.99, "contrib": 0.999, "nn": 0.999}
DEFAULT_SCALE = {"layers": True, "keras": True, "keras_v2": True, "contrib": False, "nn": True}
# options only tf.layers and Keras take: (scenario key, the layer's argument, its default)
LAYER_OPTIONS = (
    ("trainable", True),
    ("renorm", False),
    ("renorm_clipping", None),
    ("renorm_momentum", 0.99),
    ("virtual_batch_size", None),
)


@dataclass(frozen=True)
class BatchNormLayer:
    api: str
    scope: str
    output: Any
    moving_mean: Any
    moving_variance: Any
    gamma: Any | None
    beta: Any | None
    momentum: float
    fused: bool
    # the update ops as the API exposes them: in UPDATE_OPS (layers, contrib), on the
    # layer (keras), or already tied to the output (in-place contrib, the nn wrapper)
    update_ops: list = field(default_factory=list)
    updates_in_place: bool = False
    extra_variables: list = field(default_factory=list)  # renorm's moving_stddev, renorm_mean, renorm_stddev

    @property
    def variables(self) -> list:
        return [v for v in (self.gamma, self.beta, self.moving_mean, self.moving_variance) if v is not None]

    @property
    def all_variables(self) -> list:
        return self.variables + list(self.extra_variables)


def from_layer(api: str, layer: Any, output: Any, momentum: float, update_ops: list) -> BatchNormLayer:
    """The parts of a tf.layers or Keras BatchNormalization object (both keep the same attributes)."""
    known = {
        id(v) for v in (layer.gamma, layer.beta, layer.moving_mean, layer.moving_variance) if v is not None
    }
    return BatchNormLayer(
        api=api,
        scope=layer.name,
        output=output,
        moving_mean=layer.moving_mean,
        moving_variance=layer.moving_variance,
        gamma=layer.gamma if layer.scale else None,
        beta=layer.beta if layer.center else None,
        momentum=momentum,
        fused=bool(layer.fused),
        update_ops=update_ops,
        extra_variables=[v for v in layer.weights if id(v) not in known],
    )


def build(api: str, tf: Any, inputs: Any, training: Any, settings: dict, name: str = "bn") -> BatchNormLayer:
    """Build one BN layer of ``api`` on ``inputs``; ``training`` is a bool tensor or a Python bool."""
    momentum = settings.get("momentum")
    options = {
        "momentum": DEFAULT_MOMENTUM[api] if momentum is None else float(momentum),
        "epsilon": float(settings.get("epsilon") or 1e-3),
        "center": True if settings.get("center") is None else bool(settings["center"]),
        "scale": DEFAULT_SCALE[api] if settings.get("scale") is None else bool(settings["scale"]),
        "fused": settings.get("fused"),
        "in_place": settings.get("updates") == "in_place",
    }
    if api in ("layers", "keras", "keras_v2"):
        options.update(
            {
                key: settings.get(key, default) if settings.get(key) is not None else default
                for key, default in LAYER_OPTIONS
            }
        )
    if api == "layers":
        from bncheck.scenarios.builders.layers import build_layers as builder
    elif api == "keras":
        from bncheck.scenarios.builders.keras import build_keras as builder
    elif api == "keras_v2":
        from bncheck.scenarios.builders.keras import build_keras_v2 as builder
    elif api == "contrib":
        from bncheck.scenarios.builders.contrib import build_contrib as builder
    elif api == "nn":
        from bncheck.scenarios.builders.nn import build_nn as builder
    else:  # pragma: no cover - spec validation rejects it first
        raise ValueError(f"unknown BN api {api!r}")
    return builder(tf, inputs, training, name=name, **options)
