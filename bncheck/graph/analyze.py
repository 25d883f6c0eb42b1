"""Find a graph's BN layers, their moving-statistics update ops and its train ops.

Works on any ``tf.Graph``: one imported from an exported MetaGraphDef (``bncheck
graph``) or the live graph of a running script (``bncheck trace``).  Four ways of
building BN are recognised:

* ``tf.compat.v1.layers.batch_normalization``: ``AssignMovingAvg`` ops in the
  layer's scope, listed in ``UPDATE_OPS``;
* contrib/slim ``batch_norm``: ``assign_moving_average`` under a ``BatchNorm`` scope;
* a hand-written ``tf.nn.batch_normalization`` wrapper: plain assigns to
  non-trainable ``pop_mean``/``pop_var``-like variables;
* Keras ``BatchNormalization`` in graph mode: ``AssignMovingAvg`` ops that Keras
  keeps in ``layer.updates`` and never puts in ``UPDATE_OPS``.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from typing import Any

from bncheck.errors import BncheckError
from bncheck.graph.model import (
    API_CONTRIB,
    API_KERAS,
    API_LAYERS,
    API_LAYERS_OR_KERAS,
    API_MANUAL,
    MODE_DYNAMIC,
    MODE_INFERENCE,
    MODE_TRAINING,
    BnLayer,
    GraphAnalysis,
    TrainOp,
)
from bncheck.graph.sources import creation_site
from bncheck.graph.walk import DependencyWalker

ASSIGN_TYPES = frozenset(
    {"Assign", "AssignVariableOp", "AssignSub", "AssignSubVariableOp", "AssignAdd", "AssignAddVariableOp"}
)
VARIABLE_TYPES = frozenset({"VarHandleOp", "VariableV2", "Variable", "VarHandle"})
# ops that hand a variable reference through unchanged (TF1 control flow, identities)
PASS_THROUGH_TYPES = frozenset({"Identity", "RefIdentity", "Switch", "RefSwitch", "Enter", "RefEnter"})
RESTORE_TYPES = frozenset({"RestoreV2", "Restore", "RestoreSlice"})
CONDITIONAL_TYPES = frozenset({"If", "StatelessIf", "Switch", "RefSwitch", "Case", "StatelessCase"})
# function-calling ops: attribute names holding functions, and how many leading inputs are not arguments
CALL_TYPES: dict[str, tuple[tuple[str, ...], int]] = {
    "If": (("then_branch", "else_branch"), 1),
    "StatelessIf": (("then_branch", "else_branch"), 1),
    "Case": (("branches",), 1),
    "StatelessCase": (("branches",), 1),
    "While": (("cond", "body"), 0),
    "StatelessWhile": (("cond", "body"), 0),
    "PartitionedCall": (("f",), 0),
    "StatefulPartitionedCall": (("f",), 0),
}
APPLY_PREFIXES = ("Apply", "ResourceApply", "SparseApply", "ResourceSparseApply")
# names that TensorFlow, slim, Keras and the well-known hand-written wrappers give moving statistics
MOVING_STAT_NAME = re.compile(
    r"^(moving_\w+|pop(ulation)?_?(mean|var|variance|avg)|running_(mean|var|variance)"
    r"|ema_(mean|var|variance))(_\d+)?$"
)
UPDATE_OPS_KEY = "update_ops"
TRAIN_OP_KEY = "train_op"


def variable_of(tensor: Any, depth: int = 12) -> str | None:
    """The name of the variable op a resource or ref tensor refers to, through identities and control flow."""
    op = tensor.op
    for _ in range(depth):
        if op.type in VARIABLE_TYPES:
            return op.name
        if op.type not in PASS_THROUGH_TYPES or not op.inputs:
            return None
        op = op.inputs[0].op
    return None


def _fed_by_restore(op: Any) -> bool:
    if len(op.inputs) < 2:
        return False
    source = op.inputs[1].op
    for _ in range(3):
        if source.type in RESTORE_TYPES:
            return True
        if source.type != "Identity" or not source.inputs:
            return False
        source = source.inputs[0].op
    return False


def _collection_op_names(graph: Any, key: str) -> set[str]:
    names = set()
    for item in graph.get_collection(key):
        op = getattr(item, "op", item)
        name = getattr(op, "name", None)
        if isinstance(name, str):
            names.add(name)
    return names


def _trainable_variable_names(graph: Any) -> set[str]:
    names = set()
    for variable in graph.get_collection("trainable_variables"):
        op = getattr(variable, "op", None)
        if op is not None:
            names.add(op.name)
    return names


def _initializer_names(graph: Any) -> set[str]:
    names = set()
    for variable in graph.get_collection("variables"):
        initializer = getattr(variable, "initializer", None)
        if initializer is not None:
            names.add(initializer.name)
    return names


def _layer_scope(variable: str) -> str:
    return variable.rsplit("/", 1)[0] if "/" in variable else variable


def is_moving_stat(variable: str) -> bool:
    """True for a variable named like a BN moving statistic (``bn1/moving_mean``, ``pop_var``)."""
    return bool(MOVING_STAT_NAME.match(variable.rsplit("/", 1)[-1]))


class _FunctionAssigns:
    """Which arguments of a function (and of the functions it calls) are assigned to."""

    def __init__(self, graph: Any) -> None:
        self._library = {fdef.signature.name: fdef for fdef in graph.as_graph_def().library.function}
        self._cache: dict[str, frozenset[int]] = {}

    def assigned_arguments(self, name: str, depth: int = 0) -> frozenset[int]:
        if name in self._cache:
            return self._cache[name]
        self._cache[name] = frozenset()  # recursion guard
        fdef = self._library.get(name)
        if fdef is None or depth > 8:
            return frozenset()
        arguments = {arg.name: index for index, arg in enumerate(fdef.signature.input_arg)}
        assigned: set[int] = set()
        for node in fdef.node_def:
            if node.op in ASSIGN_TYPES and node.input:
                source = node.input[0].split(":")[0]
                if source in arguments:
                    assigned.add(arguments[source])
            elif node.op in CALL_TYPES:
                inputs = [entry for entry in node.input if not entry.startswith("^")]
                for position in self.call_assigned_inputs(node, depth + 1):
                    if position < len(inputs):
                        source = inputs[position].split(":")[0]
                        if source in arguments:
                            assigned.add(arguments[source])
        self._cache[name] = frozenset(assigned)
        return self._cache[name]

    def call_assigned_inputs(self, node_def: Any, depth: int = 0) -> set[int]:
        """Input positions of a calling op whose variables the called functions assign."""
        attributes, offset = CALL_TYPES[node_def.op]
        positions: set[int] = set()
        for attribute in attributes:
            if attribute not in node_def.attr:
                continue
            value = node_def.attr[attribute]
            functions = [value.func.name] if value.HasField("func") else [f.name for f in value.list.func]
            for function in functions:
                positions.update(offset + index for index in self.assigned_arguments(function, depth))
        return positions


def _averages_batch_statistic(assign: Any, target: str, limit: int = 64) -> bool:
    """True when the assigned value mixes the variable's own value with a batch ``Mean`` (moving average)."""
    if len(assign.inputs) < 2:
        return False
    queue, seen = deque([assign.inputs[1].op]), set()
    reads_itself = has_mean = False
    # breadth first and bounded: both are a few ops away, the rest of the network is not needed
    while queue and len(seen) < limit:
        op = queue.popleft()
        if op in seen:
            continue
        seen.add(op)
        if op.type == "Mean":
            has_mean = True
        elif op.type in VARIABLE_TYPES:
            reads_itself = reads_itself or op.name == target
        elif op.type == "ReadVariableOp" and op.inputs:
            reads_itself = reads_itself or variable_of(op.inputs[0]) == target
        if reads_itself and has_mean:
            return True
        queue.extend(tensor.op for tensor in op.inputs)
    return False


def find_train_ops(graph: Any, apply_ops: set[str]) -> list[str]:
    """The ``train_op`` collection, or else the last ops downstream of the ops that apply gradients."""
    collected = _collection_op_names(graph, TRAIN_OP_KEY)
    if collected:
        return sorted(collected)
    if not apply_ops:
        return []
    consumers: dict[Any, list[Any]] = defaultdict(list)
    for op in graph.get_operations():
        for tensor in op.inputs:
            consumers[tensor.op].append(op)
        for control in op.control_inputs:
            consumers[control].append(op)
    seen: set = set()
    stack = [graph.get_operation_by_name(name) for name in apply_ops]
    sinks = []
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        after = consumers.get(op)
        if after:
            stack.extend(after)
        else:
            sinks.append(op.name)
    return sorted(sinks)


def analyze_graph(
    graph: Any,
    train_op: str | Sequence[str] | None = None,
    with_sources: bool = False,
    walker: DependencyWalker | None = None,
) -> GraphAnalysis:
    """Find BN layers, update ops and train ops in ``graph``; ``train_op`` names the train op(s) to use.

    ``with_sources`` adds the user's file:line from each op's creation traceback
    (meaningful for a live graph only; an imported graph was created by bncheck).
    """
    operations = graph.get_operations()
    trainable = _trainable_variable_names(graph)
    initializers = _initializer_names(graph)
    update_collection = _collection_op_names(graph, UPDATE_OPS_KEY)
    has_calls = any(op.type in CALL_TYPES for op in operations)
    function_assigns = _FunctionAssigns(graph) if has_calls else None

    moving: set[str] = set()
    for op in operations:
        if op.type in VARIABLE_TYPES and op.name not in trainable and is_moving_stat(op.name):
            moving.add(op.name)

    updates: dict[str, set[str]] = defaultdict(set)  # layer scope -> update op names
    apply_ops: set[str] = set()
    conditional_scopes: set[str] = set()
    for op in operations:
        kind = op.type
        if kind in CONDITIONAL_TYPES:
            parts = op.name.split("/")
            conditional_scopes.update("/".join(parts[:end]) for end in range(1, len(parts)))
        if kind.startswith(APPLY_PREFIXES):
            apply_ops.add(op.name)
        elif kind in ASSIGN_TYPES and op.inputs:
            target = variable_of(op.inputs[0])
            if (
                target is None
                or op.name in initializers
                or op.name == f"{target}/Assign"
                or _fed_by_restore(op)
            ):
                continue
            if target in moving:
                updates[_layer_scope(target)].add(op.name)
            elif target in trainable and kind in ("AssignSub", "AssignSubVariableOp"):
                apply_ops.add(op.name)  # a hand-written gradient step: w.assign_sub(lr * grad)
            elif target not in trainable and _averages_batch_statistic(op, target):
                # an unnamed population statistic, tf.Variable(..., trainable=False), as in the
                # well-known wrapper: pop_mean.assign(pop_mean * decay + batch_mean * (1 - decay))
                moving.add(target)
                updates[_layer_scope(target)].add(op.name)
        elif function_assigns is not None and kind in CALL_TYPES:
            inputs = list(op.inputs)
            for position in function_assigns.call_assigned_inputs(op.node_def):
                if position < len(inputs):
                    target = variable_of(inputs[position])
                    if target in moving:
                        updates[_layer_scope(target)].add(op.name)

    by_scope: dict[str, list[str]] = defaultdict(list)
    for variable in sorted(moving):
        by_scope[_layer_scope(variable)].append(variable)

    if train_op is not None:
        train_names = []
        for requested in [train_op] if isinstance(train_op, str) else list(train_op):
            name = requested.split(":")[0]
            try:
                graph.get_operation_by_name(name)
            except KeyError:
                found = ", ".join(find_train_ops(graph, apply_ops)) or "none found"
                raise BncheckError(
                    f"--train-op {requested}: no op of that name in the graph (train ops: {found})"
                ) from None
            train_names.append(name)
    else:
        train_names = find_train_ops(graph, apply_ops)

    layers = []
    for scope, variables in sorted(by_scope.items()):
        layer_updates = tuple(sorted(updates.get(scope, ())))
        layers.append(
            BnLayer(
                name=scope,
                api=_api(scope, layer_updates, update_collection, graph),
                moving_variables=tuple(variables),
                update_ops=layer_updates,
                mode=_mode(scope, layer_updates, conditional_scopes, graph),
                created_at=_layer_site(graph, layer_updates, variables) if with_sources else None,
            )
        )
    train_ops = tuple(
        TrainOp(name, creation_site(graph.get_operation_by_name(name)) if with_sources else None)
        for name in train_names
    )
    walker = walker or DependencyWalker(graph)
    all_updates = frozenset(name for layer in layers for name in layer.update_ops)
    updates_run_by = {
        op.name: walker.closure([graph.get_operation_by_name(op.name)]) & all_updates for op in train_ops
    }
    return GraphAnalysis(tuple(layers), train_ops, frozenset(apply_ops), updates_run_by)


def _api(scope: str, update_ops: Iterable[str], update_collection: set[str], graph: Any) -> str:
    if scope.rsplit("/", 1)[-1] == "BatchNorm":
        return API_CONTRIB
    prefix = scope + "/"
    if any(name.startswith(prefix) for name in update_collection):
        return API_LAYERS
    layer_variables = _has_layer_variables(graph, prefix)
    if update_ops and (layer_variables or any("AssignMovingAvg" in name for name in update_ops)):
        return API_KERAS  # Keras keeps its updates in layer.updates, never in UPDATE_OPS
    if layer_variables:
        return API_LAYERS_OR_KERAS  # built with training=False: no updates tell the two apart
    return API_MANUAL


def _has_layer_variables(graph: Any, prefix: str) -> bool:
    try:
        graph.get_operation_by_name(prefix + "moving_mean")
        graph.get_operation_by_name(prefix + "moving_variance")
    except KeyError:
        return False
    return True


def _mode(scope: str, update_ops: tuple[str, ...], conditional_scopes: set[str], graph: Any) -> str:
    if not update_ops:
        return MODE_INFERENCE
    if scope in conditional_scopes:
        return MODE_DYNAMIC
    if any(graph.get_operation_by_name(name).type in CALL_TYPES for name in update_ops):
        return MODE_DYNAMIC
    return MODE_TRAINING


def _layer_site(graph: Any, update_ops: tuple[str, ...], variables: list[str]):
    for name in (*update_ops, *variables):
        site = creation_site(graph.get_operation_by_name(name))
        if site is not None:
            return site
    return None
