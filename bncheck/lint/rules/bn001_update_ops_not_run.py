"""BN001: a train op built without running the BN moving-statistic updates in UPDATE_OPS."""

from __future__ import annotations

import ast
import re
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.context import CallSite, FileContext
from bncheck.lint.aliases import dotted_text
from bncheck.lint.facts import ImportedBNFunction, NotWrapped, ReachesUpdateBN, SharesProgramWithBN
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.project import is_library_module
from bncheck.lint.semantics import (
    handed_to_wrapped_call,
    update_bn_functions,
    update_bn_producers,
    model_from_parameter,
    runs_updates,
    under_update_dependencies,
)
from bncheck.lint.values import collection_key, value_flow

_TRAIN_METHODS = ("minimize", "apply_gradients")
_GROUPING = ("tf.group", "tf.identity", "tf.tuple")
_VARIABLE_MAKERS = ("tf.Variable", "tf.get_variable")


_BN_SWITCH = re.compile(r"(^|_)(bn|batch_?norm(alization)?)($|_)", re.IGNORECASE)


def _in_branch_without_bn(call: CallSite) -> bool:
    """The train op sits in the ``else`` of ``if params.use_batch_norm:`` (or under ``if not use_bn:``):
    the branch of a program built without BN, which has no updates to run."""
    for test, in_else in call.ifs:
        condition = test.test
        negated = isinstance(condition, ast.UnaryOp) and isinstance(condition.op, ast.Not)
        if negated:
            condition = condition.operand
        text = dotted_text(condition) if isinstance(condition, (ast.Name, ast.Attribute)) else None
        if text and _BN_SWITCH.search(text.rsplit(".", 1)[-1]) and in_else != negated:
            return True
    return False


_LAYER_PREFIXES = ("tf.layers.", "tf.nn.", "tf.contrib.layers.", "tf.keras.layers.", "slim.", "tf_slim.")


def _class_bn_sources(context: FileContext, call: CallSite) -> tuple | None:
    """For a train op built in a class of this file that builds its network itself (``class Critic``
    next to ``class Critic_BN``, both from ``utils.ops`` helpers): the facts that some name the class
    calls, imported from a project module, builds UPDATE_OPS BN (none: the class builds no BN, so its
    train op has no updates to run).  None where that cannot be told (no class, a model handed in, a
    star import, BN built or named in the class)."""
    if not call.classes or context.imports.star_modules or model_from_parameter(context, call):
        return None
    owner = call.classes[0]
    key = ("class_bn_sources", id(owner))
    if key not in context.cache:
        context.cache[key] = _bn_sources_of_class(context, owner)
    return context.cache[key]


def _bn_sources_of_class(context: FileContext, owner: ast.ClassDef) -> tuple | None:
    """``_class_bn_sources`` for the class ``owner``, once per class."""
    if any(not (isinstance(base, ast.Name) and base.id == "object") for base in owner.bases):
        return None  # methods inherited from a base class may build BN
    methods = {node.name for node in owner.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    inside = [inner for inner in context.calls if inner.classes and inner.classes[0] is owner]
    for inner in inside:
        func = inner.node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
            if func.attr not in methods:
                return None  # `self.forward(...)` of an attribute set elsewhere: a model handed in
    producers = {id(producer) for producer in update_bn_producers(context)}
    if any(id(inner) in producers for inner in inside):
        return None
    named = {node.id for node in ast.walk(owner) if isinstance(node, ast.Name)}
    if named & (update_bn_functions(context) | set(context.classes)):
        return None  # the class uses the file's BN functions, or another class of the file
    facts = []
    builds = False
    for inner in inside:
        if (inner.qualname or "").startswith(_LAYER_PREFIXES):
            builds = True
            continue
        func = inner.node.func
        if isinstance(func, ast.Name) and func.id in context.functions:
            return None  # a function of this file, which may build the network from BN helpers
        if isinstance(func, ast.Name) and func.id in context.imports.origins:
            module, name = context.imports.origins[func.id]
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in context.imports.names
        ):
            module, name = context.imports.names[func.value.id], func.attr
        else:
            continue
        if module.startswith(".") or not is_library_module(module):
            builds = True
            facts.append(ImportedBNFunction(name=name or func.id, module=module))
    return tuple(dict.fromkeys(facts)) if builds else None  # each helper once


def _optimizes_its_own_variables(context: FileContext, call: CallSite) -> bool:
    """``minimize(loss, var_list=[z_optim])`` where every listed variable is one this file makes with
    ``tf.Variable``/``tf.get_variable``: the step optimizes an input, a latent code or an image
    (inversion, adversarial examples, style transfer), not the network whose BN would need updating."""
    var_list = call.keyword("var_list")
    if not isinstance(var_list, (ast.List, ast.Tuple)) or not var_list.elts:
        return False
    for element in var_list.elts:
        text = dotted_text(element)
        assignments = context.assignments.get(text or "", ())
        if not assignments or not all(
            isinstance(a.value, ast.Call) and context.imports.resolve(a.value.func) in _VARIABLE_MAKERS
            for a in assignments
        ):
            return False
    return True


# train-op helpers that run UPDATE_OPS unless told otherwise (their `update_ops` argument)
_UPDATE_RUNNING_HELPERS = frozenset({"optimize_loss", "create_train_op"})
_CONTAINERS = (ast.Call, ast.List, ast.Tuple, ast.BinOp, ast.Set, ast.Dict, ast.Starred)
_MAX_HOPS = 4  # assignments and returns followed from the train op to where it is fetched


def _siblings(parent: ast.AST, child: ast.AST) -> list[ast.AST]:
    """The other values next to ``child`` in a container (a call's arguments, not its callee)."""
    if isinstance(parent, ast.Call):
        values = list(parent.args) + [
            keyword.value for keyword in parent.keywords if keyword.arg != "feed_dict"
        ]
    else:
        values = [node for node in ast.iter_child_nodes(parent) if isinstance(node, ast.expr)]
    return [value for value in values if value is not child]


def _fetched_with_updates(context: FileContext, node: ast.AST, hops: int, seen: set[int]) -> bool:
    """The value of ``node`` ends up next to the update ops: grouped, listed or fetched with them.

    Follows the value up through its containers, then through the names it is assigned to
    (``self.train_op = ...`` too) and through ``return`` to the callers of the function.
    """
    if id(node) in seen:
        return False
    seen.add(id(node))
    parents = context.parents
    child, parent = node, parents.get(node)
    flow = value_flow(context)
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, ast.keyword):
            child, parent = parent, parents.get(parent)
            continue
        if isinstance(parent, _CONTAINERS):
            inner = child.value if isinstance(child, ast.keyword) else child
            if any(runs_updates(context, sibling) for sibling in _siblings(parent, inner)):
                return True
            if isinstance(parent, ast.Call) and context.imports.resolve(parent.func) in _GROUPING:
                # `with tf.control_dependencies(update_ops): train_op = tf.group(apply_gradient_op)`
                site = flow.call_site(parent)
                if site is not None and under_update_dependencies(context, site):
                    return True
            if (
                isinstance(parent, ast.Call)
                and isinstance(parent.func, ast.Attribute)
                and parent.func.attr in ("append", "extend", "insert")
                and any(arg is inner for arg in parent.args)
            ):
                # `update_ops.append(train_op)`: the train op joins the list it is put in
                owner = parent.func.value
                if runs_updates(context, owner):
                    return True
                text = dotted_text(owner)
                if text is not None and hops < _MAX_HOPS:
                    for load in flow.loads_seeing(text, owner):
                        if load is not owner and _fetched_with_updates(context, load, hops + 1, seen):
                            return True
            if (
                isinstance(parent, ast.Call)
                and (dotted_text(parent.func) or "").endswith("add_to_collection")
                and len(parent.args) >= 2
                and parent.args[1] is inner
                and hops < _MAX_HOPS
            ):
                # `tf.add_to_collection('train_op', train_op)` ... `tf.get_collection('train_op')[0]`
                key = collection_key(parent.args[0])
                for read in flow.collection_reads(key) if key else ():
                    if _fetched_with_updates(context, read, hops + 1, seen):
                        return True
        if isinstance(parent, ast.withitem) and _body_runs_after_updates(context, parent):
            # `with control_dependencies([train_op]):` inside `with control_dependencies(update_ops):`
            return True
        child, parent = parent, parents.get(parent)
    if hops >= _MAX_HOPS or parent is None:
        return False
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and child is parent.value:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        for target in targets:
            for name_node in ast.walk(target):
                text = dotted_text(name_node) if isinstance(name_node, (ast.Name, ast.Attribute)) else None
                if text is None:
                    continue
                for load in value_flow(context).loads_seeing(text, parent):
                    if _fetched_with_updates(context, load, hops + 1, seen):
                        return True
                break
    elif isinstance(parent, ast.Return):
        flow = value_flow(context)
        function = flow.function_of(parent)
        if function is not None:
            for call in flow.callers(function.name):
                if _fetched_with_updates(context, call.node, hops + 1, seen):
                    return True
    return False


def _body_runs_after_updates(context: FileContext, item: ast.withitem) -> bool:
    """Ops built in the body of ``with control_dependencies([train_op]):`` also wait for the updates,
    or the body groups the updates after the train op (``train_op = tf.group(*update_ops)``)."""
    flow = value_flow(context)
    body = [call for call in context.calls if call.withs and any(expr is item.context_expr for expr in call.withs)]
    return any(flow.under_dependencies(call) for call in body) or any(
        context.imports.resolve(call.node.func) in _GROUPING
        and any(runs_updates(context, argument) for argument in call.node.args)
        for call in body
    )


def _gradients_wait_for_updates(context: FileContext, call: CallSite) -> bool:
    """The gradients of this program are computed under the updates (``with control_dependencies(
    update_ops): grads = opt.compute_gradients(loss)``), in the same class or function: whatever
    applies or accumulates them runs the updates first."""
    owner = call.classes[-1] if call.classes else call.function
    gradients = context.cache.get("gradients under a with")
    if gradients is None:  # once per file: every train op asking the whole file was quadratic
        gradients = context.cache["gradients under a with"] = [
            other
            for other in context.calls
            if other.method in ("compute_gradients", "gradients") and other.withs
        ]
    for other in gradients:
        other_owner = other.classes[-1] if other.classes else other.function
        if other_owner is owner and under_update_dependencies(context, other):
            return True
    return False


_GRAPH_MODE_SWITCHES = ("disable_eager_execution", "disable_v2_behavior")


def _eager_step(context: FileContext, call: CallSite) -> bool:
    """A TF2 training step: in a ``tf.function`` or next to a ``GradientTape``, in a file that does not
    switch TF2 behaviour off."""
    if any(switch in context.source for switch in _GRAPH_MODE_SWITCHES):
        return False
    for function in call.functions:
        for decorator in getattr(function, "decorator_list", ()):
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if (dotted_text(target) or "").split(".")[-1] == "function":
                return True
    with_tape = context.cache.get("functions with a GradientTape")
    if with_tape is None:
        with_tape = context.cache["functions with a GradientTape"] = {
            id(other.function) for other in context.calls if (other.callee or "").endswith("GradientTape")
        }
    return id(call.function) in with_tape


def updates_run_otherwise(context: FileContext, call: CallSite) -> bool:
    """The updates run by another route: grouped with or fetched next to the train op."""
    return _fetched_with_updates(context, call.node, 0, set())


@lint_rule
class UpdateOpsNotRun(LintRule):
    code = "BN001"
    title = "train op does not run the BN moving-statistic updates"
    severity = Severity.ERROR
    triggers = (
        Trigger((b"minimize",)),
        Trigger((b"apply_gradients",)),
        # `optimize_loss(..., update_ops=[])`: the helper told to run no updates
        Trigger((b"update_ops",), rb"update_ops\s*=\s*[\[(]\s*[\])]", window=(0, 40)),
    )
    fixable = True
    what = (
        "A train op (`optimizer.minimize(...)` or `optimizer.apply_gradients(...)`, or a train-op helper\n"
        "told to run no updates: `optimize_loss(..., update_ops=[])`) built in a program\n"
        "whose batch-norm layers (`tf.layers.batch_normalization`, slim/contrib `batch_norm`, also through\n"
        "`normalizer_fn` and `arg_scope`) put their moving-statistic updates in `tf.GraphKeys.UPDATE_OPS`,\n"
        "with no control dependency on those updates and no other way for them to run (grouped with the\n"
        "train op, fetched in the same `sess.run`, or a helper such as slim's `create_train_op`).\n"
        "The BN layers may live in another file of the same project, also when this file is only handed\n"
        "the model (`policy(...)`). A dependency list counts by what it holds, not by its name: a list\n"
        "called `update_ops` that holds the trainable variables runs no update."
    )
    why = (
        "Nothing runs the ops in UPDATE_OPS unless the train op depends on them. `moving_mean` and\n"
        "`moving_variance` then stay at their initial 0 and 1: training accuracy looks fine (training mode\n"
        "uses batch statistics) and accuracy with `training=False` collapses (tensorflow#11965, #10118)."
    )
    fix = (
        "Build the train op under the updates:\n"
        "    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "    with tf.control_dependencies(update_ops):\n"
        "        train_op = optimizer.minimize(loss)\n"
        "or use `updates_collections=None` (slim), `tf.group(train_op, *update_ops)`, or slim's\n"
        "`create_train_op`. `bncheck lint --fix` wraps the train op in the control dependency."
    )
    references = (
        "https://github.com/tensorflow/tensorflow/issues/11965",
        "https://github.com/tensorflow/tensorflow/pull/17719",
    )
    bad = (
        "import tensorflow.compat.v1 as tf\n"
        "x = tf.placeholder(tf.float32, [None, 4])\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "loss = tf.reduce_mean(h)\n"
        "train_op = tf.train.AdamOptimizer().minimize(loss)  # expect: BN001\n",
        "import tensorflow as tf\n"
        "slim = tf.contrib.slim\n"
        "def build(x, is_training):\n"
        "    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,\n"
        "                        normalizer_params={'is_training': is_training}):\n"
        "        return slim.conv2d(x, 8, 3)\n"
        "loss = tf.reduce_mean(build(tf.zeros([1, 8, 8, 3]), True))\n"
        "opt = tf.train.MomentumOptimizer(0.1, 0.9)\n"
        "grads = opt.compute_gradients(loss)\n"
        "train_op = opt.apply_gradients(grads)  # expect: BN001\n",
        "from tensorflow.layers import batch_normalization as bn\n"
        "import tensorflow as tf\n"
        "def model_fn(features, labels, mode):\n"
        "    net = bn(features, training=mode == tf.estimator.ModeKeys.TRAIN)\n"
        "    loss = tf.losses.mean_squared_error(labels, net)\n"
        "    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, "
        "tf.train.get_global_step())  # expect: BN001\n"
        "    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)\n",
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "step = tf.train.get_or_create_global_step()\n"
        "train_op = tf.contrib.layers.optimize_loss(  # expect: BN001\n"
        "    tf.reduce_sum(h), step, 0.1, 'Adam', update_ops=[])\n",
    )
    bad += (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "update_ops = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='head')\n"
        "with tf.control_dependencies(update_ops):\n"
        "    train_op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))  # expect: BN001\n",
    )
    good = (
        "import tensorflow.compat.v1 as tf\n"
        "x = tf.placeholder(tf.float32, [None, 4])\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "loss = tf.reduce_mean(h)\n"
        "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "with tf.control_dependencies(update_ops):\n"
        "    train_op = tf.train.AdamOptimizer().minimize(loss)\n",
        "import tensorflow as tf\n"
        "slim = tf.contrib.slim\n"
        "net = slim.batch_norm(tf.zeros([2, 3]), is_training=True, updates_collections=None)\n"
        "train_op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(net))\n",
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "minimize_op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))\n"
        "train_op = tf.group(minimize_op, *tf.get_collection(tf.GraphKeys.UPDATE_OPS))\n",
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "train_op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))\n"
        "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "with tf.Session() as sess:\n"
        "    sess.run([train_op, update_ops])\n",
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "step = tf.train.get_or_create_global_step()\n"
        "train_op = tf.contrib.layers.optimize_loss(tf.reduce_sum(h), step, 0.1, 'Adam')\n",
    )

    good += (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "loss = tf.reduce_sum(h)\n"
        "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "update_ops.append(tf.train.AdamOptimizer().minimize(loss))\n"
        "train_op = tf.group(*update_ops)\n",
    )

    def check(self, context: FileContext) -> Iterable[Candidate]:
        if not context.imports.uses_tensorflow:
            return
        yield from self._helpers_told_to_skip_updates(context)
        for call in context.calls:
            if call.method not in _TRAIN_METHODS or not isinstance(call.node.func, ast.Attribute):
                continue
            if under_update_dependencies(context, call) or updates_run_otherwise(context, call):
                continue
            if handed_to_wrapped_call(context, call):
                continue  # `tf.cond(pred, lambda: opt.minimize(loss), ...)` under the dependency
            if _gradients_wait_for_updates(context, call):
                continue
            if any(getattr(function, "name", "") in _TRAIN_METHODS for function in call.functions):
                continue  # an optimizer wrapper delegating `apply_gradients` builds no train op itself
            if _eager_step(context, call):
                continue  # TF2: the step runs eagerly (or as a tf.function) and Keras runs the updates
            if _in_branch_without_bn(call):
                continue  # `if params.use_batch_norm: ... else: train_op = opt.minimize(loss)`
            if _optimizes_its_own_variables(context, call):
                continue  # `minimize(loss, var_list=[z])`: an input or latent code, not the BN network
            requires = [
                NotWrapped(function.name)
                for function in call.functions
                if not isinstance(function, ast.Lambda)
            ]
            any_of: tuple = (ReachesUpdateBN(),)
            sources = _class_bn_sources(context, call)
            if sources is not None:
                if not sources:
                    continue  # `class Critic`, built from layers without BN, next to `class Critic_BN`
                # one of the helpers the class calls builds BN, and the program reaches it (not only
                # through calls that switch it off: `network.generator(z, use_bn=False)`)
                requires.append(ReachesUpdateBN())
                any_of = sources
            elif model_from_parameter(context, call):
                any_of += (SharesProgramWithBN(update=True),)
            finding = self.finding(
                context,
                call,
                f"`{call.method}` builds a train op that does not run the BN updates in UPDATE_OPS; "
                "moving_mean/moving_variance will stay at 0/1",
                fix="wrap it in `with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):`",
            )
            yield Candidate(finding, tuple(requires), any_of)

    def _helpers_told_to_skip_updates(self, context: FileContext) -> Iterable[Candidate]:
        """``optimize_loss(loss, step, lr, 'Adam', update_ops=[])`` (or slim's ``create_train_op``):
        these helpers run UPDATE_OPS by default, and an empty ``update_ops`` turns that off."""
        if "update_ops" not in context.source:
            return
        for call in context.calls:
            if call.method not in _UPDATE_RUNNING_HELPERS:
                continue
            value = call.keyword("update_ops")
            if not isinstance(value, (ast.List, ast.Tuple)) or value.elts:
                continue
            finding = self.finding(
                context,
                call,
                f"`{call.method}(..., update_ops=[])` builds a train op that runs none of the BN updates "
                "(the helper runs UPDATE_OPS only when `update_ops` is left out); "
                "moving_mean/moving_variance will stay at 0/1",
                fix="leave `update_ops` out (or pass `tf.get_collection(tf.GraphKeys.UPDATE_OPS)`)",
            )
            yield Candidate(finding, (), (ReachesUpdateBN(),))
