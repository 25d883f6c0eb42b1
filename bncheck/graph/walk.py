"""Which ops a set of fetched ops makes TensorFlow run: their data and control inputs, transitively."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class DependencyWalker:
    """Closures of op sets in one ``tf.Graph``, cached per fetch set.

    The walk follows data inputs and control inputs.  TF1 control flow
    (``tf.cond``/``tf.while_loop`` built from Switch/Merge/Enter/Exit) lives in the
    graph itself, so its ops are reached like any other; function-based ``If``/
    ``While`` ops are reached as one op (``analyze`` attributes the updates inside
    their bodies to the calling op).
    """

    def __init__(self, graph: Any) -> None:
        self.graph = graph
        self._cache: dict[frozenset, frozenset[str]] = {}

    def closure(self, ops: Iterable[Any]) -> frozenset[str]:
        """Names of every op that running ``ops`` (tf.Operation objects) runs, ``ops`` included."""
        roots = frozenset(ops)
        cached = self._cache.get(roots)
        if cached is not None:
            return cached
        seen: set = set()
        stack = list(roots)
        while stack:
            op = stack.pop()
            if op in seen:
                continue
            seen.add(op)
            stack.extend(tensor.op for tensor in op.inputs)
            stack.extend(op.control_inputs)
        names = frozenset(op.name for op in seen)
        self._cache[roots] = names
        return names
