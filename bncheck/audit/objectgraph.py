"""Decode the object graphs of TF2 checkpoints and SavedModels into variable names.

A TF2 checkpoint stores a ``TrackableObjectGraph`` under ``_CHECKPOINTABLE_OBJECT_GRAPH``; each node's
attributes give a saved tensor's ``checkpoint_key`` and its ``full_name`` (the variable's name, e.g.
``sequential/bn1/gamma``), which keeps the layer names that object-based keys
(``optimizer/_trainable_variables/2/...``) lose.  A SavedModel's ``saved_model.pb`` has a
``SavedObjectGraph`` whose nodes line up with the checkpoint's, and whose variables carry their
names: it fills in the names the checkpoint's graph leaves empty.
"""

from __future__ import annotations

from typing import Callable

from bncheck.audit import protos


class ObjectGraphError(ValueError):
    """The serialized object graph is not a valid protobuf message."""


def variable_names(
    serialized: bytes, saved_model: Callable[[], bytes | None] | None = None
) -> dict[str, str]:
    """checkpoint key -> full_name of every variable attribute in the object graph that names one.

    ``saved_model`` gives the bytes of ``saved_model.pb`` (or None); it is called only when an
    attribute has no ``full_name``, to name it from the SavedModel's own object graph.
    """
    graph = protos.TrackableObjectGraph()
    try:
        graph.ParseFromString(serialized)
    except protos.DecodeError as error:
        raise ObjectGraphError(f"the object graph is not a TrackableObjectGraph ({error})") from None
    names: dict[str, str] = {}
    unnamed: dict[int, list[str]] = {}
    for node_id, node in enumerate(graph.nodes):
        for attribute in node.attributes:
            if not attribute.checkpoint_key:
                continue
            if attribute.full_name:
                names.setdefault(attribute.checkpoint_key, attribute.full_name)
            elif attribute.name == "VARIABLE_VALUE":
                unnamed.setdefault(node_id, []).append(attribute.checkpoint_key)
    pb = saved_model() if unnamed and saved_model is not None else None
    if pb is not None:
        for node_id, name in _saved_variable_names(pb).items():
            for key in unnamed.get(node_id, ()):
                names.setdefault(key, name)
    return names


def _saved_variable_names(serialized: bytes) -> dict[int, str]:
    """node id -> variable name, from the first meta graph's SavedObjectGraph."""
    model = protos.SavedModel()
    try:
        model.ParseFromString(serialized)
    except protos.DecodeError as error:
        raise ObjectGraphError(f"saved_model.pb is not a SavedModel ({error})") from None
    if not model.meta_graphs:
        return {}
    nodes = model.meta_graphs[0].object_graph_def.nodes
    return {node_id: node.variable.name for node_id, node in enumerate(nodes) if node.variable.name}
