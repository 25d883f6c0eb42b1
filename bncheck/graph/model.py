"""Plain data about a graph's batch-normalization layers and train ops (no TensorFlow objects)."""

from __future__ import annotations

from dataclasses import dataclass, field

# how the layer was built, as reported to the user
API_LAYERS = "tf.layers"
API_CONTRIB = "contrib"
API_MANUAL = "nn wrapper"
API_KERAS = "keras"
API_LAYERS_OR_KERAS = "tf.layers/keras"

# what a layer's training argument was when the graph was built
MODE_TRAINING = "training"  # constant True: batch statistics, updates built
MODE_INFERENCE = "inference"  # constant False: moving statistics, no updates
MODE_DYNAMIC = "dynamic"  # a tensor (placeholder) chooses at run time


@dataclass(frozen=True)
class SourceLine:
    """Where in the user's code an op was created (from the op's creation traceback)."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class BnLayer:
    """One BN layer: its moving-statistics variables and the ops that update them.

    ``update_ops`` are names of ops in the graph; an update that lives inside a
    function-based ``If``/``While`` is represented by the calling op, because
    running that op is what runs the update.
    """

    name: str
    api: str
    moving_variables: tuple[str, ...]
    update_ops: tuple[str, ...]
    mode: str
    created_at: SourceLine | None = None


@dataclass(frozen=True)
class TrainOp:
    """An op that applies gradients to trainable variables when it runs."""

    name: str
    created_at: SourceLine | None = None


@dataclass(frozen=True)
class GraphAnalysis:
    """Everything the graph checks need, found once per graph."""

    layers: tuple[BnLayer, ...]
    train_ops: tuple[TrainOp, ...]
    apply_ops: frozenset[str] = field(default_factory=frozenset)
    # per train op name: the names of the BN update ops it depends on
    updates_run_by: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, hash=False)

    def layer(self, name: str) -> BnLayer | None:
        return next((layer for layer in self.layers if layer.name == name), None)
