"""What TensorFlow calls mean for batch norm: BN producers, their settings, update ops, graph mode.

Every helper works on a ``FileContext`` and memoises per file in ``context.cache``.
"""

from __future__ import annotations

import ast
import re

from bncheck.lint.aliases import _BUILTINS, dotted_text, is_tf_name
from bncheck.lint.context import CallSite, FileContext, is_script_named_as_test, is_test_module
from bncheck.lint.project import (
    BN_APPLICATION_NAMES,
    BNSwitch,
    CallShape,
    EVALUATION_NAMES,
    TestedParameter,
    TrainingParameter,
    is_library_module,
)

UNKNOWN = (
    object()
)  # a setting that may be given, but not in a form we can read (a function argument, **kwargs)

TFLAYERS_BN = ("tf.layers.batch_normalization", "tf.layers.BatchNormalization")
SLIM_BN = ("slim.batch_norm",)
# the hand-written BN wrappers call these (batch_norm_with_global_normalization: the TF 0.x spelling)
NN_BN = ("tf.nn.batch_normalization", "tf.nn.fused_batch_norm", "tf.nn.batch_norm_with_global_normalization")
SESSIONS = (
    "tf.Session",
    "tf.InteractiveSession",
    "tf.train.MonitoredTrainingSession",
    "tf.train.MonitoredSession",
    "tf.train.SingularMonitoredSession",
)
GRAPH_MODE_MARKERS = SESSIONS + (
    "tf.placeholder",
    "tf.disable_eager_execution",
    "tf.disable_v2_behavior",
    "tf.estimator.EstimatorSpec",
    "tf.estimator.Estimator",
    "tf.get_collection",
    "tf.train.Saver",
    "slim.learning.train",
    "slim.learning.create_train_op",
    "tf.contrib.training.create_train_op",
    "slim.optimize_loss",
)
# keras.applications models built with BatchNormalization layers (VGG has none)
_BN_APPLICATIONS = re.compile(BN_APPLICATION_NAMES)
_POSITION = {
    ("slim.batch_norm", "decay"): 1,
    ("slim.batch_norm", "updates_collections"): 8,
    ("slim.batch_norm", "is_training"): 9,
    ("tf.layers.batch_normalization", "momentum"): 2,
    ("tf.layers.batch_normalization", "training"): 14,
    ("tf.layers.BatchNormalization", "momentum"): 1,
    ("keras.layers.BatchNormalization", "momentum"): 1,
}


def is_keras_bn(call: CallSite) -> bool:
    """A Keras ``BatchNormalization`` construction (any Keras spelling) that keeps moving statistics:
    not Keras 1's ``mode=1`` / ``mode=2``, which normalize with batch statistics in training and
    testing alike and have no moving averages to update."""
    name = call.qualname
    if name is None or not name.startswith("keras.") or not name.endswith("BatchNormalization"):
        return False
    mode = call.keyword("mode")
    return not (isinstance(mode, ast.Constant) and mode.value in (1, 2))


def keras_bn_calls(context: FileContext) -> list[CallSite]:
    """The file's Keras ``BatchNormalization`` constructions (``is_keras_bn``), found once."""
    if "keras_bn_calls" not in context.cache:
        context.cache["keras_bn_calls"] = [call for call in context.calls if is_keras_bn(call)]
    return context.cache["keras_bn_calls"]


def _builds_keras_bn(context: FileContext) -> bool:
    """The file constructs a Keras BN layer or a Keras application with BN."""
    if "builds_keras_bn" not in context.cache:
        context.cache["builds_keras_bn"] = bool(keras_bn_calls(context)) or any(
            is_bn_application(call) for call in context.calls
        )
    return context.cache["builds_keras_bn"]


def is_bn_application(call: CallSite) -> bool:
    """A ``keras.applications`` model that contains BN layers."""
    name = call.qualname
    return (
        name is not None
        and name.startswith("keras.applications.")
        and bool(_BN_APPLICATIONS.search(name.rsplit(".", 1)[-1]))
    )


def is_nets_arg_scope(call: CallSite) -> bool:
    """``resnet_v1.resnet_arg_scope()`` and friends: slim nets' arg scopes put BN on every conv."""
    name = call.raw or ""
    return name.endswith("_arg_scope") and bool(re.search(r"(^|\.)nets\.", name))


def resolve_value(context: FileContext, node: ast.expr | None, depth: int = 0) -> ast.expr | None:
    """Follow a name to its single assignment in the file (a few hops at most).

    A name assigned in several functions (each its own `params = {...}`) is local to each: the
    one assignment in the function that reads it is the value there.
    """
    while isinstance(node, ast.Name) and depth < 4:
        assignments = context.assignments.get(node.id, ())
        if len(assignments) != 1:
            # the assignments in functions around the read, innermost first (line spans: no parent map)
            line = getattr(node, "lineno", 0)
            around = [
                a
                for a in assignments
                if a.function is not None and a.function.lineno <= line <= (a.function.end_lineno or 0)
            ]
            innermost = max((a.function.lineno for a in around), default=None)
            assignments = [a for a in around if a.function.lineno == innermost]
            if len(assignments) != 1:
                return node
        node = assignments[0].value
        depth += 1
    return node


def dict_items(context: FileContext, node: ast.expr | None) -> dict[str, ast.expr] | None:
    """The items of a dict literal or ``dict(k=v)``, through a name; None when not readable."""
    node = resolve_value(context, node)
    items: dict[str, ast.expr] = {}
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if key is None:
                spread = dict_items(context, value)
                if spread is None:
                    return None
                items.update(spread)
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                items[key.value] = value
            else:
                return None
        return items
    if isinstance(node, ast.Call) and dotted_text(node.func) == "dict" and not node.args:
        for keyword in node.keywords:
            if keyword.arg is None:
                return None
            items[keyword.arg] = keyword.value
        return items
    return None


def _keywords_with_spreads(context: FileContext, call: ast.Call) -> dict[str, object]:
    """A call's keyword arguments, with ``**params`` spread when readable (else every key UNKNOWN)."""
    found: dict[str, object] = {}
    for keyword in call.keywords:
        if keyword.arg is not None:
            found[keyword.arg] = keyword.value
            continue
        spread = dict_items(context, keyword.value)
        if spread is None:
            found["*"] = UNKNOWN
        else:
            found.update(spread)
    return found


def _partial_keywords(context: FileContext, call: CallSite) -> dict[str, object]:
    return partial_chain_keywords(context, call.node.func)


def partial_chain_keywords(context: FileContext, func: ast.AST) -> dict[str, object]:
    """The keywords bound by a chain of ``partial``s: ``bn = partial(batch_norm, is_training=t)`` where
    ``batch_norm = partial(slim.batch_norm, updates_collections=None)`` binds both (the nearest wins)."""
    found: dict[str, object] = {}
    for _ in range(4):
        if not isinstance(func, ast.Name):
            break
        values = context.values_of(func.id)
        partial = next(
            (
                value
                for value in values
                if isinstance(value, ast.Call)
                and dotted_text(value.func) in ("partial", "functools.partial")
                and value.args
            ),
            None,
        )
        if partial is None:
            break
        for key, value in _keywords_with_spreads(context, partial).items():
            found.setdefault(key, value)
        func = partial.args[0]
    return found


def _arg_scopes(context: FileContext, call: CallSite) -> list[ast.Call]:
    """Enclosing ``arg_scope(...)`` calls, innermost first."""
    scopes = []
    for expr in reversed(call.withs):
        if isinstance(expr, ast.Call):
            name = context.imports.resolve(expr.func) or dotted_text(expr.func) or ""
            if name.endswith("arg_scope"):
                scopes.append(expr)
    return scopes


def _lists_op(context: FileContext, scope: ast.Call, wanted: tuple[str, ...]) -> bool:
    if not scope.args:
        return False
    ops = scope.args[0]
    elements = ops.elts if isinstance(ops, (ast.List, ast.Tuple)) else [ops]
    return any((context.imports.resolve(element) or "") in wanted for element in elements)


def _lookup(found: dict[str, object], key: str) -> object | None:
    if key in found:
        return found[key]
    if "*" in found:
        return UNKNOWN
    return None


def setting(context: FileContext, call: CallSite, key: str) -> object | None:
    """The value a BN producer gets for ``key``: an expression, ``UNKNOWN``, or None (the default).

    For a direct BN call: its keyword, its positional argument, a ``partial`` binding,
    or an enclosing ``arg_scope`` over the BN function.  For a layer with
    ``normalizer_fn=batch_norm``: its ``normalizer_params`` (or an enclosing
    arg_scope's), then arg_scopes over the BN function.
    """
    name = call.qualname
    node = call.node
    if name in SLIM_BN or name in TFLAYERS_BN or (name and is_keras_bn(call)):
        direct = _keywords_with_spreads(context, node)
        value = _lookup(direct, key)
        if value is not None:
            return value
        position = _POSITION.get(("keras.layers.BatchNormalization" if is_keras_bn(call) else name, key))
        if position is not None and len(node.args) > position:
            return node.args[position]
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            return UNKNOWN
        value = _lookup(_partial_keywords(context, call), key)
        if value is not None:
            return value
        family = SLIM_BN if name in SLIM_BN else TFLAYERS_BN
    else:
        # a producer through normalizer_fn: normalizer_params here or in an enclosing arg_scope
        params_node = call.keyword("normalizer_params")
        params = None
        if params_node is None:
            for scope in _arg_scopes(context, call):
                scoped = _keywords_with_spreads(context, scope)
                if "normalizer_params" in scoped or "*" in scoped:
                    params_node = scoped.get("normalizer_params", UNKNOWN)
                    break
        if params_node is None:
            # normalizer_fn=bn with `bn = partial(slim.batch_norm, is_training=...)`
            bound = partial_chain_keywords(context, call.keyword("normalizer_fn"))
            value = _lookup(bound, key)
            if value is not None:
                return value
        if params_node is UNKNOWN:
            return UNKNOWN
        if params_node is not None:
            params = dict_items(context, params_node)
            if params is None:
                return UNKNOWN
            if key in params:
                return params[key]
        family = SLIM_BN
    for scope in _arg_scopes(context, call):
        if _lists_op(context, scope, family):
            value = _lookup(_keywords_with_spreads(context, scope), key)
            if value is not None:
                return value
    return None


def _normalizer_is_bn(context: FileContext, call: CallSite) -> bool:
    value = call.keyword("normalizer_fn")
    if value is None:
        return False
    # `normalizer_fn=slim.batch_norm if use_batch_norm else None` (slim's resnet_arg_scope)
    for choice in (value.body, value.orelse) if isinstance(value, ast.IfExp) else (value,):
        name = context.imports.resolve(choice)
        if name in SLIM_BN or name in TFLAYERS_BN:
            return True
    return False


def _normalizer_guard(context: FileContext, call: CallSite) -> tuple[str, bool] | None:
    """``(use_batch_norm, True)`` for ``normalizer_fn=slim.batch_norm if use_batch_norm else None``: the
    parameter and the value of it that builds BN; None for any other normalizer."""
    value = call.keyword("normalizer_fn")
    if not isinstance(value, ast.IfExp):
        return None
    test, negated = value.test, False
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, negated = test.operand, True
    if not isinstance(test, ast.Name):
        return None
    body = context.imports.resolve(value.body) in (*SLIM_BN, *TFLAYERS_BN)
    orelse = context.imports.resolve(value.orelse) in (*SLIM_BN, *TFLAYERS_BN)
    if body == orelse:
        return None
    return test.id, body != negated


def _always_false(context: FileContext, call: CallSite, value: object) -> bool:
    """The flag is the literal False, or a value that only ever holds False (a parameter defaulting to
    False that no call of the file passes)."""
    if isinstance(value, ast.Constant):
        return value.value is False
    if not isinstance(value, ast.expr):
        return False
    from bncheck.lint.values import Holds, value_flow

    return value_flow(context).holds(value, call.function) == Holds.FALSE


def is_none(value: object) -> bool:
    """A literal ``None``."""
    return isinstance(value, ast.Constant) and value.value is None


def _scope_sets_in_place(context: FileContext) -> bool:
    """Some arg_scope over batch_norm in this file sets ``updates_collections=None``."""
    if "scope_in_place" not in context.cache:
        result = False
        for call in context.calls:
            if (call.method or "").endswith("arg_scope") and call.node.args:
                if _lists_op(context, call.node, SLIM_BN):
                    value = _lookup(_keywords_with_spreads(context, call.node), "updates_collections")
                    if value is UNKNOWN or is_none(value):
                        result = True
                params = dict_items(context, call.keyword("normalizer_params"))
                if params is not None and is_none(params.get("updates_collections", ast.Constant(0))):
                    result = True
        context.cache["scope_in_place"] = result
    return context.cache["scope_in_place"]


def bn_producers(context: FileContext) -> list[CallSite]:
    """Calls that build BN layers with moving statistics in UPDATE_OPS-style graph code.

    tf.layers BN, slim/contrib ``batch_norm`` and ``normalizer_fn=batch_norm`` (direct or in an
    arg_scope), and slim nets' arg scopes.  Keras BN is not among them (see BN011).
    """
    if "producers" not in context.cache:
        producers = []
        # the keyword and the arg scopes cannot be there when the source never spells them
        normalizers = "normalizer_fn" in context.source
        scopes = "_arg_scope" in context.source
        for call in context.calls:
            name = call.qualname
            if (
                name in TFLAYERS_BN
                or name in SLIM_BN
                or (normalizers and _normalizer_is_bn(context, call))
                or (scopes and is_nets_arg_scope(call))
            ):
                producers.append(call)
        context.cache["producers"] = producers
    return context.cache["producers"]


def moments_bindings(context: FileContext) -> list:
    """The file's ``mean, var = tf.nn.moments(...)`` bindings (``tf.nn.weighted_moments`` too), found once."""
    if "moments_bindings" not in context.cache:
        context.cache["moments_bindings"] = [
            binding
            for bindings in context.bindings.values()
            for binding in bindings
            if binding.how == "unpack"
            and isinstance(binding.value, ast.Call)
            and (context.imports.resolve(binding.value.func) or "").endswith(("moments", "weighted_moments"))
        ]
    return context.cache["moments_bindings"]


def update_bn_producers(context: FileContext) -> list[CallSite]:
    """BN producers whose moving-statistic updates go to UPDATE_OPS (not in place)."""
    if "update_producers" not in context.cache:
        result = []
        for call in bn_producers(context):
            if call.qualname in TFLAYERS_BN or (
                call.keyword("normalizer_fn") is not None
                and context.imports.resolve(call.keyword("normalizer_fn")) in TFLAYERS_BN
            ):
                # the function's default is training=False: inference mode builds no update ops
                training = setting(context, call, "training") if call.qualname != TFLAYERS_BN[1] else UNKNOWN
                if call.qualname == TFLAYERS_BN[1] or not (
                    training is None or _always_false(context, call, training)
                ):
                    result.append(call)
                continue
            if is_nets_arg_scope(call):
                use_bn = call.keyword("use_batch_norm")
                collections = call.keyword("batch_norm_updates_collections")
                if (isinstance(use_bn, ast.Constant) and use_bn.value is False) or is_none(collections):
                    continue
                result.append(call)
                continue
            value = setting(context, call, "updates_collections")
            if (
                value is UNKNOWN
                or is_none(value)
                or _always_false(context, call, setting(context, call, "is_training"))
            ):
                continue
            if value is None and call.function is not None and _scope_sets_in_place(context):
                continue
            result.append(call)
        context.cache["update_producers"] = result
    return context.cache["update_producers"]


def keeps_moving_stats(context: FileContext) -> bool:
    """This file builds BN that keeps moving statistics (any API, manual wrappers included)."""
    if "keeps_stats" not in context.cache:
        result = any(not _stats_are_trainable(context, call) for call in bn_producers(context)) or (
            _builds_keras_bn(context)
        )
        if not result and context.calls_named(*NN_BN):
            # the manual wrapper keeps population statistics in non-trainable variables
            result = "trainable=False" in context.source.replace(" ", "")
        context.cache["keeps_stats"] = result
    return context.cache["keeps_stats"]


def _stats_are_trainable(context: FileContext, call: CallSite) -> bool:
    """slim BN with ``variables_collections=[tf.GraphKeys.TRAINABLE_VARIABLES]``: its moving statistics
    are in the trainable list, so a Saver of the trainable variables keeps them."""
    if call.qualname in TFLAYERS_BN or is_nets_arg_scope(call):
        return False
    value = setting(context, call, "variables_collections")
    if value is None and call.function is not None:
        # an arg_scope function of this file (`def net_arg_scope(): with arg_scope([batch_norm], ...)`)
        # that sets it for the layers it is applied to
        return _scope_sets_trainable_stats(context)
    return value is not UNKNOWN and _names_trainable(value)


def _names_trainable(value: object) -> bool:
    return isinstance(value, ast.AST) and any(
        (isinstance(node, ast.Attribute) and node.attr == "TRAINABLE_VARIABLES")
        or (isinstance(node, ast.Constant) and node.value == "trainable_variables")
        for node in ast.walk(value)
    )


def _scope_sets_trainable_stats(context: FileContext) -> bool:
    """Some arg_scope over batch_norm in this file puts the BN variables in TRAINABLE_VARIABLES."""
    if "scope_trainable_stats" not in context.cache:
        result = False
        for call in context.calls:
            if (call.method or "").endswith("arg_scope") and call.node.args:
                if _lists_op(context, call.node, SLIM_BN):
                    found = _keywords_with_spreads(context, call.node)
                    result = result or _names_trainable(found.get("variables_collections"))
                params = dict_items(context, call.keyword("normalizer_params"))
                if params is not None:
                    result = result or _names_trainable(params.get("variables_collections"))
        context.cache["scope_trainable_stats"] = result
    return context.cache["scope_trainable_stats"]


def is_graph_mode(context: FileContext) -> bool:
    """The file is written for graph mode (sessions, placeholders, collections, tf.compat.v1)."""
    if "graph_mode" not in context.cache:
        result = any(call.qualname in GRAPH_MODE_MARKERS for call in context.calls)
        if not result:
            result = any(
                full.startswith(("tensorflow.compat.v1", "tensorflow.contrib", "tf_slim"))
                for full in context.imports.names.values()
            )
        context.cache["graph_mode"] = result
    return context.cache["graph_mode"]


def reads_update_ops(context: FileContext, node: ast.AST) -> bool:
    """``get_collection(tf.GraphKeys.UPDATE_OPS)`` (or ``"update_ops"``) as a call."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    method = node.func.attr if isinstance(node.func, ast.Attribute) else dotted_text(node.func)
    if method not in ("get_collection", "get_collection_ref", "tf.get_collection"):
        return False
    return is_update_ops_key(node.args[0])


def update_ops_reads(context: FileContext) -> list[CallSite]:
    """The file's calls that read the UPDATE_OPS collection (``reads_update_ops``), found once."""
    if "update_ops_reads" not in context.cache:
        source = context.source
        context.cache["update_ops_reads"] = (
            [
                call
                for call in context.calls
                if call.method in _COLLECTION_GETTERS and reads_update_ops(context, call.node)
            ]
            if "UPDATE_OPS" in source or "update_ops" in source  # the key cannot be spelled otherwise
            else []
        )
    return context.cache["update_ops_reads"]


_COLLECTION_GETTERS = frozenset({"get_collection", "get_collection_ref"})


def is_update_ops_key(node: ast.AST) -> bool:
    """``tf.GraphKeys.UPDATE_OPS``, a name ``UPDATE_OPS`` or the string ``'update_ops'``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "UPDATE_OPS"
    if isinstance(node, ast.Name):
        return node.id == "UPDATE_OPS"
    return isinstance(node, ast.Constant) and node.value == "update_ops"


def runs_updates(context: FileContext, node: ast.AST) -> bool:
    """The expression holds the BN update ops or runs after them (by what flows into it).

    A value that cannot be followed (an attribute of an object built elsewhere) counts when its
    spelling says updates (``model.update_ops``).
    """
    from bncheck.lint.values import value_flow

    return value_flow(context).may_hold_updates(node, value_flow(context).function_of(node))


def under_update_dependencies(context: FileContext, call: CallSite) -> bool:
    """The call sits inside ``with control_dependencies(X):`` where X may hold the update ops."""
    if not call.withs:
        return False
    from bncheck.lint.values import value_flow

    return value_flow(context).under_dependencies(call)


def wrapped_functions(context: FileContext) -> frozenset[str]:
    """The functions whose ops are built under a control dependency on the update ops: called there
    (``train_op = build_train_op(loss)``), or, for a function of this file, handed to a call there
    (``tf.cond(pred, train_with_d, train_without_d)``: the branches are built where the cond is)."""
    return _built_under_updates(context)[0]


def handed_to_wrapped_call(context: FileContext, call: CallSite) -> bool:
    """``call`` is in a lambda handed to a call under a control dependency on the update ops
    (``tf.cond(pred, lambda: opt.minimize(loss), ...)``): the lambda's ops are built there."""
    return isinstance(call.function, ast.Lambda) and id(call.function) in _built_under_updates(context)[1]


def _built_under_updates(context: FileContext) -> tuple[frozenset[str], frozenset[int]]:
    """One pass over the calls under a control dependency on the update ops: the names of the
    functions called or handed there, and the ids of the lambdas handed there."""
    if "built_under_updates" not in context.cache:
        names: set[str] = set()
        lambdas: set[int] = set()
        for call in context.calls:
            if not call.withs or not under_update_dependencies(context, call):
                continue
            if call.method:
                names.add(call.method)
            for value in (*call.node.args, *(keyword.value for keyword in call.node.keywords)):
                if isinstance(value, ast.Name) and value.id in context.functions:
                    names.add(value.id)
                elif isinstance(value, ast.Lambda):
                    lambdas.add(id(value))
        context.cache["built_under_updates"] = (frozenset(names), frozenset(lambdas))
    return context.cache["built_under_updates"]


def constant_number(context: FileContext, node: object) -> float | None:
    """The numeric value of a literal, ``-literal`` or a name bound once to one."""
    if not isinstance(node, ast.expr):
        return None
    node = resolve_value(context, node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        left, right = constant_number(context, node.left), constant_number(context, node.right)
        if left is None or right is None or (isinstance(node.op, ast.Div) and right == 0):
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        return left * right if isinstance(node.op, ast.Mult) else left / right
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = constant_number(context, node.operand)
        if inner is None:
            return None
        return -inner if isinstance(node.op, ast.USub) else inner
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    ):
        return float(node.value)
    return None


def is_true(node: object) -> bool:
    """A literal ``True``."""
    return isinstance(node, ast.Constant) and node.value is True


def keras_bn_models(context: FileContext) -> dict[str, ast.AST]:
    """Names (``model``, ``self.model``) bound to a Keras model with BN, -> the binding's value.

    Sources: keras.applications models with BN, ``Sequential`` with a BN layer, ``Model(...)``
    built in a scope that creates BN layers, classes and functions of this file that build
    BN, and names imported from other files (kept in ``cache['imported_factories']``).
    """
    if "keras_models" in context.cache:
        return context.cache["keras_models"]
    factories = _bn_factories(context)
    imported: dict[str, tuple[str, str]] = {}
    models: dict[str, ast.AST] = {}
    for name, assignments in context.assignments.items():
        for assignment in assignments:
            value = assignment.value
            if _is_bn_model_expr(context, value, assignment.function, factories):
                models[name] = value
            elif isinstance(value, ast.Call):
                origin = _imported_origin(context, value.func)
                if origin is not None:
                    imported[name] = origin
    # Sequential() followed by .add(BatchNormalization())
    for call in context.calls:
        if call.method == "add" and isinstance(call.node.func, ast.Attribute) and call.node.args:
            owner = dotted_text(call.node.func.value)
            if owner and any(_is_keras_bn_node(context, sub) for sub in ast.walk(call.node.args[0])):
                models.setdefault(owner, call.node)
    context.cache["keras_models"] = models
    context.cache["imported_factories"] = {k: v for k, v in imported.items() if k not in models}
    return models


def _imported_origin(context: FileContext, func: ast.AST) -> tuple[str, str] | None:
    """``(module, name)`` for a callee imported with ``from module import name`` from a non-TF module."""
    text = dotted_text(func)
    if text is None or is_tf_name(context.imports.resolve(func)):
        return None
    root, _, rest = text.partition(".")
    origins = context.imports.origins
    origin = origins.get(root)
    if origin is None:
        return None
    module, name = origin
    if not name:  # `import models.resnet as resnet` ... `resnet.build()`
        if not rest or "." in rest:
            return None
        return module, rest
    if rest:
        return f"{module}.{name}" if not module.endswith(".") else f"{module}{name}", rest
    return module, name


def _is_keras_bn_node(context: FileContext, node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = context.imports.resolve(node.func)
    return name is not None and (
        (name.startswith("keras.") and name.endswith("BatchNormalization"))
        or (name.startswith("keras.applications.") and bool(_BN_APPLICATIONS.search(name.rsplit(".", 1)[-1])))
    )


def _scope_builds_keras_bn(context: FileContext, scope: ast.AST | None, factories: set[str]) -> bool:
    key = ("scope_bn", id(scope))
    if (
        key not in context.cache
        and not factories
        and not _builds_keras_bn(context)
    ):
        context.cache[key] = False
    if key not in context.cache:
        body = scope if scope is not None else context.tree
        context.cache[key] = any(
            _is_keras_bn_node(context, sub)
            or (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in factories)
            for sub in ast.walk(body)
        )
    return context.cache[key]


def _is_bn_model_expr(
    context: FileContext, value: ast.AST, scope: ast.AST | None, factories: set[str]
) -> bool:
    if not isinstance(value, ast.Call):
        return False
    if _is_keras_bn_node(context, value) and not (context.imports.resolve(value.func) or "").endswith(
        "BatchNormalization"
    ):
        return True  # a keras.applications model
    name = context.imports.resolve(value.func) or ""
    if name.startswith("keras.") and name.endswith("Sequential"):
        return any(
            _is_keras_bn_node(context, sub)
            or (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in factories)
            or (isinstance(sub, ast.Name) and sub.id in context.cache.get("keras_models", {}))
            for sub in ast.walk(value)
        )
    if name.startswith("keras.") and name.endswith("Model"):
        return _scope_builds_keras_bn(context, scope, factories)
    callee = value.func.id if isinstance(value.func, ast.Name) else None
    return callee is not None and callee in factories


def _bn_factories(context: FileContext) -> set[str]:
    """Functions and classes of this file that build a Keras model with BN (to a fixed point)."""
    if "factories" in context.cache:
        return context.cache["factories"]
    factories: set[str] = set()
    callees: dict[str, set[str]] = {}  # function/class name -> names it calls
    # without a Keras BN or BN application call nothing can become a factory: skip the call graph
    if not _builds_keras_bn(context):
        context.cache["factories"] = factories
        return factories
    for call in context.calls:
        owners = [f.name for f in call.functions if not isinstance(f, ast.Lambda)] + [
            c.name for c in call.classes
        ]
        if not owners:
            continue
        if is_keras_bn(call) or is_bn_application(call):
            factories.update(owners)
        elif isinstance(call.node.func, ast.Name):
            for owner in owners:
                callees.setdefault(owner, set()).add(call.node.func.id)
    changed = bool(factories)
    while changed:
        changed = False
        for owner, names in callees.items():
            if owner not in factories and names & factories:
                factories.add(owner)
                changed = True
    context.cache["factories"] = factories
    return factories


def bn_factories(context: FileContext) -> set[str]:
    """Public: names of this file's functions/classes that build a Keras model with BN."""
    return _bn_factories(context)


def update_bn_outside_functions(context: FileContext) -> bool:
    """Some UPDATE_OPS BN of the file is built by its module-level code, not only by its functions
    and classes (a file importing it then gets that BN whatever it calls)."""
    return any(not call.functions and not call.classes for call in update_bn_producers(context))


def used_names(context: FileContext) -> frozenset[str]:
    """Names through which the file may reach a function of a module it imports: every attribute it
    spells (``t.batch_norm(x)``, ``normalizer_fn=t.batch_norm``, ``bn = t.batch_norm``) and, with a
    star import, the bare names it calls, hands on or binds to another name.  (Names imported with
    ``from m import f`` are in the summary's imports.)  A file that imports a module building BN only
    in functions it never names does not build that BN."""
    names = set(context.attributes)
    if not context.imports.star_modules:
        return frozenset(names)
    names.update(call.method for call in context.calls if call.method)
    return frozenset(names | _handed_on(context)[0])


def _handed_on(context: FileContext) -> tuple[frozenset[str], frozenset[str]]:
    """What the file passes as arguments or binds as values: the plain names (``f(*helpers)``,
    ``bn = batch_norm``) and the attributes (``normalizer_fn=ops.batch_norm``), found once."""
    if "handed_on" not in context.cache:
        values: list[ast.AST] = []
        for call in context.calls:
            node = call.node
            values += node.args
            values += [keyword.value for keyword in node.keywords]
        for assignments in context.assignments.values():
            values += [assignment.value for assignment in assignments]
        for bindings in context.bindings.values():
            values += [binding.value for binding in bindings]
        names, attributes = set(), set()
        name_type, starred_type, attribute_type = ast.Name, ast.Starred, ast.Attribute
        for value in values:
            if type(value) is starred_type:  # f(*helpers)
                value = value.value
            if type(value) is name_type:
                names.add(value.id)
            elif type(value) is attribute_type:
                attributes.add(value.attr)
        context.cache["handed_on"] = (frozenset(names), frozenset(attributes))
    return context.cache["handed_on"]


def update_bn_functions(context: FileContext) -> set[str]:
    """Top-level functions and classes of this file that build UPDATE_OPS BN (directly or via each other)."""
    if "bn_functions" not in context.cache:
        context.cache["bn_functions"] = _functions_building(context, update_bn_producers(context))
    return context.cache["bn_functions"]


def any_bn_functions(context: FileContext) -> set[str]:
    """Top-level functions and classes of this file that build BN keeping moving statistics (any
    slim/contrib/tf.layers producer, in place or not), directly or via each other."""
    if "any_bn_functions" not in context.cache:
        context.cache["any_bn_functions"] = _functions_building(context, _moving_stat_producers(context))
    return context.cache["any_bn_functions"]


def _moving_stat_producers(context: FileContext) -> list[CallSite]:
    if "moving_stat_producers" not in context.cache:
        context.cache["moving_stat_producers"] = [
            call for call in bn_producers(context) if not _stats_are_trainable(context, call)
        ]
    return context.cache["moving_stat_producers"]


def any_bn_outside_functions(context: FileContext) -> bool:
    """Some BN with moving statistics of the file is not a producer inside one of its functions or
    classes: built by module-level code, a Keras BN layer, or a hand-written ``tf.nn`` BN."""
    return (
        any(not call.functions and not call.classes for call in _moving_stat_producers(context))
        or _builds_keras_bn(context)
        or bool(context.calls_named(*NN_BN))
    )


def _functions_building(context: FileContext, producers: list[CallSite]) -> set[str]:
    """The top-level functions and classes holding one of ``producers``, and those calling them."""
    direct: set[str] = set()
    for call in producers:
        for function in call.functions:
            if not isinstance(function, ast.Lambda):
                direct.add(function.name)
        for cls in call.classes:
            direct.add(cls.name)
    if not direct:  # nothing builds BN: no function can build it through another
        return direct
    calls_by_function: dict[str, set[str]] = {}
    for call in context.calls:
        if isinstance(call.node.func, ast.Name) and call.functions:
            outer = call.functions[0]
            if not isinstance(outer, ast.Lambda):
                calls_by_function.setdefault(outer.name, set()).add(call.node.func.id)
            if call.classes:  # `class Model: def __call__(...): batch_norm(...)`: the class builds it
                calls_by_function.setdefault(call.classes[0].name, set()).add(call.node.func.id)
    # a subclass of a BN class builds it too (`class Cifar10Model(Model)`)
    for cls in context.classes.values():
        bases = {base.id for base in cls.bases if isinstance(base, ast.Name)}
        if bases:
            calls_by_function.setdefault(cls.name, set()).update(bases)
    changed = True
    while changed:
        changed = False
        for function, callees in calls_by_function.items():
            if function not in direct and callees & direct:
                direct.add(function)
                changed = True
    return direct


def model_from_parameter(context: FileContext, call: CallSite) -> bool:
    """The code around ``call`` builds its model from an object it is handed: the enclosing function
    calls a parameter (``policy(sess, ...)``) or a method of one, or its class keeps a parameter
    (``self.model = model``) and calls it (``self.model.create_model(...)``)."""
    key = ("model_from_parameter", id(call.function), id(call.classes[-1]) if call.classes else 0)
    if key in context.cache:
        return context.cache[key]
    parameters: set[str] = set()
    for function in call.functions:
        if not isinstance(function, ast.Lambda):
            parameters |= {a.arg for a in _arguments(function)} - {"self", "cls"}
    kept: set[str] = set()  # self.<attr> bound to a parameter somewhere in the class
    cls = call.classes[-1] if call.classes else None
    if cls is not None:
        for name, assignments in context.assignments.items():
            if not name.startswith("self.") or name.count(".") != 1:
                continue
            for assignment in assignments:
                function = assignment.function
                if (
                    isinstance(assignment.value, ast.Name)
                    and function is not None
                    and not isinstance(function, ast.Lambda)
                    and cls.lineno <= function.lineno <= (cls.end_lineno or function.lineno)
                    and assignment.value.id in {a.arg for a in function.args.args + function.args.kwonlyargs}
                ):
                    kept.add(name)
    result = False
    for other in context.calls:
        callee = other.callee
        if callee is None or other.qualname is not None:
            continue
        root = callee.split(".", 1)[0]
        if root in parameters and other.function is call.function:
            result = True
            break
        if kept and any(callee == name or callee.startswith(name + ".") for name in kept):
            if other.classes and other.classes[-1] is cls:
                result = True
                break
    context.cache[key] = result
    return result


_EVALUATION_FUNCTION = re.compile(rf"^_*(\w+_)?({EVALUATION_NAMES})$", re.IGNORECASE)


def runs_evaluation(context: FileContext) -> bool:
    """A function named for evaluation, testing or prediction runs a session (``sess.run``, ``x.eval``).

    Unit tests are not evaluation code.  The byte trigger of this fact is ``project.EVALUATION_DEF``.
    """
    if ".run(" not in context.source or context.is_test_file:
        return False
    for call in context.calls:
        if call.method != "run" or not isinstance(call.node.func, ast.Attribute):
            continue
        if any(is_evaluation_function(function) for function in call.functions):
            return True
    return False


_SCRIPT = re.compile(
    r"(^|_)(predict|prediction|infer|inference|eval|evaluate|evaluation|test|demo|export|serve|serving|"
    r"classify|deploy|freeze|segment|detect)($|_|\d)",
    re.IGNORECASE,
)


def named_for_inference(path: str) -> bool:
    """``predict.py``, ``eval_model.py``, ``demo.py``, ``export_graph.py``... (not ``train_eval.py``)."""
    name = re.split(r"[\\/]", path)[-1]
    return "train" not in name.lower() and bool(_SCRIPT.search(name[:-3] if name.endswith(".py") else name))


def inference_script(path: str, source: str) -> str | None:
    """The file's name, when it says the file predicts, evaluates or exports (unit tests are not
    inference code)."""
    if not named_for_inference(path):
        return None
    if is_test_module(path, source) and not is_script_named_as_test(path, source):
        return None
    return re.split(r"[\\/]", path)[-1]


_TRAIN_OP = re.compile(r"\.(minimize|apply_gradients|compute_gradients)\(|create_train_op\(|optimize_loss\(|\.fit\(")


def runs_inference_script(path: str, source: str) -> bool:
    """An inference script (by its name) that runs a session, or a script that restores a checkpoint
    and runs a session without training anything: the graph it runs is an evaluation graph.  Read from
    the name and the text only, so that files the pre-filter skips get it too."""
    if ".run(" not in source:
        return False
    if inference_script(path, source) is not None:
        return True
    return ".restore(" in source and not _TRAIN_OP.search(source) and not is_test_module(path, source)


def is_evaluation_function(function: ast.AST) -> bool:
    """``test``, ``evaluate``, ``predict_masks``, ``sample``... (not ``train_and_eval``)."""
    name = getattr(function, "name", "")
    return bool(name) and "train" not in name.lower() and bool(_EVALUATION_FUNCTION.match(name))


def always_training_bn(context: FileContext) -> bool:
    """The file builds BN fixed in training mode: slim/contrib ``batch_norm`` that gets no
    ``is_training`` (its default is True) or a literal True, or tf.layers BN with ``training=True``."""
    if "always_training" not in context.cache:
        context.cache["always_training"] = any(
            _fixed_in_training(context, call) for call in bn_producers(context)
        )
    return context.cache["always_training"]


def _fixed_in_training(context: FileContext, call: CallSite) -> bool:
    if is_nets_arg_scope(call) or call.qualname == TFLAYERS_BN[1]:
        return False
    if call.qualname == TFLAYERS_BN[0]:
        return _always_true(context, call, setting(context, call, "training"))
    value = setting(context, call, "is_training")
    return _always_true(context, call, value) or (value is None and not _file_sets_is_training(context, call))


def training_bn_helpers(context: FileContext) -> list[str]:
    """Module-level functions of this file (layer helpers such as ``conv_bn(x)``) that build BN fixed
    in training mode.  A program composing its network from them holds the graph's mode; one that
    only instantiates a model class of another module does not (the fix is in that module)."""
    if not always_training_bn(context):
        return []
    return sorted(
        {
            call.functions[0].name
            for call in bn_producers(context)
            if call.functions
            and not call.classes
            and isinstance(call.functions[0], (ast.FunctionDef, ast.AsyncFunctionDef))
            and _fixed_in_training(context, call)
        }
    )


def _is_training_setters(context: FileContext) -> list[CallSite]:
    """The arg_scopes over batch_norm that give it ``is_training`` (or ``**params``), and the calls whose
    ``normalizer_params`` do (or cannot be read)."""
    if "is_training_setters" not in context.cache:
        setters = []
        for call in context.calls:
            if (call.method or "").endswith("arg_scope") and call.node.args and _lists_op(context, call.node, SLIM_BN):
                found = _keywords_with_spreads(context, call.node)
                if "is_training" in found or "*" in found:
                    setters.append(call)
                    continue
            params = call.keyword("normalizer_params")
            if params is not None:
                items = dict_items(context, params)
                if items is None or "is_training" in items:
                    setters.append(call)
        context.cache["is_training_setters"] = setters
    return context.cache["is_training_setters"]


def _file_sets_is_training(context: FileContext, call: CallSite) -> bool:
    """Some arg_scope (or normalizer_params) in this file gives batch_norm its is_training, and may
    reach this BN call: at module level, in a function around it, in a function that calls into the
    BN's (through the file's functions), or in one that the BN's function calls into.  A scope in an
    unrelated function of the file (another network's) does not."""
    setters = _is_training_setters(context)
    if not setters:
        return False
    chain = [f for f in call.functions if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if len(chain) != len(call.functions) or not chain:
        return True  # BN at module level or in a lambda: any scope of the file may be around it
    around = {id(f) for f in chain}
    # a function nested in another is called only from there: only the scopes around it count
    names = {chain[0].name} if not call.classes else {f.name for f in chain}
    if _passed_as_value(context, chain[0].name):
        return True  # `Block('block1', bottleneck, ...)`: a unit function run under its user's scopes

    graph = _call_graph(context)

    def reaches(start: str, wanted: set[str]) -> bool:
        seen, todo = {start}, [start]
        while todo:
            for name in graph.get(todo.pop(), ()):
                if name in wanted:
                    return True
                if name not in seen:
                    seen.add(name)
                    todo.append(name)
        return False

    for setter in setters:
        if not setter.functions or any(id(f) in around for f in setter.functions):
            return True
        outer = setter.functions[0]
        # the setter's function calls the BN's (through the file's functions), or (an arg scope
        # carrying normalizer_fn) the BN's calls the setter's, whose scope gives the layers it builds
        # their mode
        if reaches(outer.name, names) or reaches(chain[0].name, {outer.name}):
            return True
        # a function that calls both, the setter's (an arg scope it returns, applied there) and the
        # BN's: `with slim.arg_scope(self.arg_scope(is_training)): self.build_net(inputs)`
        if _returns_with_target(outer) and any(
            reaches(caller, {outer.name}) and reaches(caller, names) for caller in graph
        ):
            return True
    return False


def _returns_with_target(function: ast.AST) -> bool:
    """``with slim.arg_scope(...) as sc: return sc``: the function returns an arg scope for its caller
    to apply."""
    targets = {
        item.optional_vars.id
        for node in ast.walk(function)
        if isinstance(node, ast.With)
        for item in node.items
        if isinstance(item.optional_vars, ast.Name)
    }
    return any(
        isinstance(node, ast.Return) and isinstance(node.value, ast.Name) and node.value.id in targets
        for node in ast.walk(function)
    )


def _passed_as_value(context: FileContext, name: str) -> bool:
    """The file's function ``name`` is used as a value somewhere (handed to a call, stored), not only
    called: code elsewhere runs it, under whatever arg scopes are open there (slim's
    ``resnet_v2_block`` hands ``bottleneck`` to ``Block``, and ``resnet_v2`` runs the blocks under its
    ``arg_scope([slim.batch_norm], is_training=...)``)."""
    parents = context.parents
    for load in context.loads.get(name, ()):
        parent = parents.get(load)
        if isinstance(parent, ast.keyword):
            parent = parents.get(parent)
        # handed to a call, not called, returned or stored (`return dp_multitask` picks a model)
        if isinstance(parent, ast.Call) and parent.func is not load:
            return True
    return False


def _call_graph(context: FileContext) -> dict[str, set[str]]:
    """For each function of the file, by name, the last parts of the names it calls."""
    if "call_graph" not in context.cache:
        graph: dict[str, set[str]] = {}
        for call in context.calls:
            callee = (call.callee or dotted_text(call.node.func) or "").split(".")[-1]
            # and the functions handed to the call, which it runs: `slim.repeat(x, 3, self.block)`
            handed = {
                text.split(".")[-1]
                for argument in [*call.node.args, *(keyword.value for keyword in call.node.keywords)]
                if isinstance(argument, (ast.Name, ast.Attribute))
                and (text := dotted_text(argument)) is not None
                and text.split(".")[-1] in context.functions
            }
            if callee or handed:
                for function in call.functions:
                    name = getattr(function, "name", None)
                    if name:
                        graph.setdefault(name, set()).update(({callee} if callee else set()) | handed)
        context.cache["call_graph"] = graph
    return context.cache["call_graph"]


def literal_training_bn(context: FileContext) -> bool:
    """The file builds BN with a literal ``training=True`` / ``is_training=True``."""
    for call in bn_producers(context):
        if is_nets_arg_scope(call) or call.qualname == TFLAYERS_BN[1]:
            continue
        key = "training" if call.qualname == TFLAYERS_BN[0] else "is_training"
        if _always_true(context, call, setting(context, call, key)):
            return True
    return False


def _always_true(context: FileContext, call: CallSite, value: object) -> bool:
    """The flag is the literal True, or a value that only ever holds True (a parameter every call
    site of the file passes True, with no default to fall back on but True)."""
    if is_true(value):
        return True
    if not isinstance(value, ast.expr) or isinstance(value, ast.Constant):
        return False
    from bncheck.lint.values import Holds, value_flow

    return value_flow(context).holds(value, call.function) == Holds.TRUE


def if_tested_parameters(context: FileContext) -> set[TestedParameter]:
    """Each parameter that a BN-building function of this file tests with a Python ``if`` (``def
    normalize(self, x, train=True): if train: ...``), by name and by its position in a call: a
    placeholder handed in there is decided once, at graph build."""
    found: set[TestedParameter] = set()
    bn_calls = [call for call in context.calls if call.qualname in NN_BN] + bn_producers(context)
    functions = {id(call.function): call.function for call in bn_calls if call.function is not None}
    for function in functions.values():
        if isinstance(function, ast.Lambda):
            continue
        positional = [arg.arg for arg in function.args.posonlyargs + function.args.args]
        offset = 1 if positional and positional[0] in ("self", "cls") else 0
        names = set(positional) | {arg.arg for arg in function.args.kwonlyargs}
        for node in ast.walk(function):
            if not isinstance(node, (ast.If, ast.IfExp)):
                continue
            test = node.test.operand if isinstance(node.test, ast.UnaryOp) else node.test
            if isinstance(test, ast.Name) and test.id in names:
                found.add(TestedParameter(function.name, test.id))
                if test.id in positional[offset:]:
                    found.add(TestedParameter(function.name, positional.index(test.id) - offset))
    return found


_TRAINING_PARAMETER = re.compile(r"^(is_)?train(ing)?(_mode|_phase)?$|^phase_train$|^train_phase$", re.I)


def _arguments(function: ast.AST) -> list[ast.arg]:
    arguments = function.args
    return arguments.posonlyargs + arguments.args + arguments.kwonlyargs


def training_parameters(context: FileContext) -> set[TrainingParameter]:
    """The training flags of this file's BN-building functions (``def disp_net(image, is_training=True)``,
    ``def densenet(x, keep_prob, train)``): their position in a call (``self`` not counted) and whether
    the flag defaults to True, so that a caller leaving it out builds the BN in training mode."""
    functions = {
        id(function): function
        for call in bn_producers(context)
        for function in call.functions
        if not isinstance(function, ast.Lambda)
    }
    # and the top-level functions building BN through other functions of the file
    # (`densenet(x, keep_prob, train)` calling `bn_layer(x, train)`)
    for name in update_bn_functions(context):
        for function in context.functions.get(name, ()):
            functions.setdefault(id(function), function)
    # and the functions handing their flag on to a function of another module:
    # `def im2latex_cnn(X, num_feats, bn, train_mode=True)` calling `ops.conv2d(..., is_training=train_mode)`
    flagged = {
        id(function): {arg.arg for arg in _arguments(function) if _TRAINING_PARAMETER.match(arg.arg)}
        for definitions in context.functions.values()
        for function in definitions
        if id(function) not in functions
    }
    flagged = {key: names for key, names in flagged.items() if names}
    for call in context.calls if flagged else ():
        function = call.function
        if function is None or id(function) not in flagged or not call.node.keywords:
            continue
        if (call.qualname or "").startswith(("tf.", "keras.")):
            continue  # TensorFlow's own BN layers are bn_producers; its dropout is no BN
        parameters = flagged[id(function)]
        if any(
            keyword.arg
            and _TRAINING_PARAMETER.match(keyword.arg)
            and isinstance(keyword.value, ast.Name)
            and keyword.value.id in parameters
            for keyword in call.node.keywords
        ):
            functions[id(function)] = function
    # and the model classes whose constructor takes the flag (`Model(is_train=True)`), building BN in
    # their methods directly or through the file's BN functions, hand-written `tf.nn` ones included
    hand_written = [call for call in context.calls if call.qualname in NN_BN]
    bn_names = _functions_building(context, _moving_stat_producers(context) + hand_written)
    if bn_names:
        calling = {
            id(call.classes[0])
            for call in context.calls
            if call.classes and isinstance(call.node.func, ast.Name) and call.node.func.id in bn_names
        }
        for cls in context.classes.values():
            inits = [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"]
            if inits and (cls.name in bn_names or id(cls) in calling):
                functions.setdefault(id(inits[0]), inits[0])
    found: set[TrainingParameter] = set()
    for function in functions.values():
        owner = function.name
        if owner == "__init__":
            owner = next((cls.name for cls in context.classes.values() if function in cls.body), owner)
        for arg, default, position in _parameters(function):
            if _TRAINING_PARAMETER.match(arg.arg):
                found.add(TrainingParameter(owner, arg.arg, position, is_true(default)))
    return found


def _parameters(function: ast.FunctionDef) -> list[tuple[ast.arg, ast.expr | None, int]]:
    """Each parameter with its default (None: none) and its position in a call, ``self`` not counted
    (``TrainingParameter.KEYWORD_ONLY`` for a keyword-only one)."""
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    offset = 1 if positional and positional[0].arg in ("self", "cls") else 0
    found = [(arg, default, index - offset) for index, (arg, default) in enumerate(zip(positional, defaults))]
    keyword_only = zip(arguments.kwonlyargs, arguments.kw_defaults)
    return found + [(arg, default, TrainingParameter.KEYWORD_ONLY) for arg, default in keyword_only]


def bn_switches(context: FileContext, any_bn: bool = False) -> set[BNSwitch]:
    """The parameters that decide whether a top-level function of this file builds UPDATE_OPS BN
    (``any_bn``: BN keeping moving statistics, in place or not): each such BN call of the function
    sits in the same branch of a Python ``if`` on the parameter, the function never rebinds it, and
    it builds no such BN through other functions of the file or in functions nested in it."""
    producers = _moving_stat_producers(context) if any_bn else update_bn_producers(context)
    if not producers:
        return set()
    guards: dict[int, set[tuple[str, bool]] | None] = {}
    definitions: dict[int, ast.AST] = {}
    for call in producers:
        outer = call.functions[0] if call.functions else None
        if outer is None or isinstance(outer, ast.Lambda) or call.classes:
            continue
        key = id(outer)
        definitions[key] = outer
        if len(call.functions) != 1:
            guards[key] = None
            continue
        found = set()
        guard = _normalizer_guard(context, call)
        if guard is not None:
            found.add(guard)
        for branch, in_else in call.ifs:  # the `if`s of `outer` only: a function's body starts with none
            test, negated = branch.test, False
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                test, negated = test.operand, True
            if isinstance(test, ast.Name):
                found.add((test.id, not (in_else ^ negated)))
        if key not in guards:
            guards[key] = found
        elif guards[key] is not None:
            guards[key] &= found
    bn_names = any_bn_functions(context) if any_bn else update_bn_functions(context)
    calling_bn = {
        id(call.functions[0])
        for call in context.calls
        if call.functions and isinstance(call.node.func, ast.Name) and call.node.func.id in bn_names
    }
    switches: set[BNSwitch] = set()
    for key, common in guards.items():
        function = definitions[key]
        if not common or key in calling_bn:
            continue
        stored = {
            node.id
            for node in ast.walk(function)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
        }
        for arg, default, position in _parameters(function):
            for parameter, builds_when in common:
                if arg.arg == parameter and parameter not in stored:
                    truth = bool(default.value) if isinstance(default, ast.Constant) else None
                    switches.add(BNSwitch(function.name, parameter, position, truth, builds_when))
    return switches


def imports_other(imports: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """Some import of the file may name a project module (relative, or not a library's), so that
    its calls may reach another module's BN functions (``call_shapes`` matter)."""
    return not all(is_library_module(module) for module, _ in imports)


def _truth(node: ast.expr) -> bool | None:
    return bool(node.value) if isinstance(node, ast.Constant) else None


def call_shapes(context: FileContext) -> set[CallShape]:
    """How this file calls functions that may be another project module's: one shape per distinct
    way of calling each (library calls and methods left out), and an opaque one for such a function
    the file also hands on as a value, so that its calls are not all here."""
    shapes: set[CallShape] = set()
    for call in context.calls:
        node = call.node
        if call.raw is not None:
            if is_library_module(call.raw):
                continue
            name = call.raw.rsplit(".", 1)[-1]
        elif isinstance(node.func, ast.Name) and node.func.id not in _BUILTINS:
            name = node.func.id
        else:
            continue
        positions = []
        spread = False
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                spread = True
                break
            positions.append(_truth(arg))
        keywords = []
        for keyword in node.keywords:
            if keyword.arg is None:
                spread = True
            else:
                keywords.append((keyword.arg, _truth(keyword.value)))
        shapes.add(CallShape(name, tuple(positions), tuple(sorted(keywords)), spread))
    if shapes:
        called = {shape.name for shape in shapes}
        names, attributes = _handed_on(context)
        shapes |= {CallShape(name, opaque=True) for name in (names | attributes) & called}
    return shapes
