"""BN001: a train op built without running the BN moving-statistic updates in UPDATE_OPS."""

from __future__ import annotations

import ast
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.context import CallSite, FileContext
from bncheck.lint.facts import NotWrapped, ReachesUpdateBN
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.semantics import mentions_updates, under_update_dependencies

_TRAIN_METHODS = ("minimize", "apply_gradients")
_CONTAINERS = (ast.Call, ast.List, ast.Tuple, ast.BinOp, ast.Set, ast.Dict, ast.Starred)


def _next_to_updates(context: FileContext, node: ast.AST) -> bool:
    """``node`` sits in a call, list or sum next to update ops (tf.group, sess.run, [a] + b)."""
    child = node
    parent = context.parents.get(child)
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, _CONTAINERS):
            for sibling in ast.iter_child_nodes(parent):
                if sibling is not child and mentions_updates(context, sibling):
                    return True
        child, parent = parent, context.parents.get(parent)
    return False


def _train_op_names(call: CallSite) -> list[str]:
    statement = call.statement
    targets: list[ast.AST] = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign):
        targets = [statement.target]
    names = []
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, (ast.Name, ast.Attribute)):
                text = ast.unparse(node)
                names.append(text)
                break
    return names


def updates_run_otherwise(context: FileContext, call: CallSite) -> bool:
    """The updates run by another route: grouped with or fetched next to the train op."""
    if _next_to_updates(context, call.node):
        return True
    for name in _train_op_names(call):
        for load in context.loads.get(name, ()):
            if _next_to_updates(context, load):
                return True
    return False


@lint_rule
class UpdateOpsNotRun(LintRule):
    code = "BN001"
    title = "train op does not run the BN moving-statistic updates"
    severity = Severity.ERROR
    triggers = (Trigger((b"minimize",)), Trigger((b"apply_gradients",)))
    fixable = True
    what = (
        "A train op (`optimizer.minimize(...)` or `optimizer.apply_gradients(...)`) built in a program\n"
        "whose batch-norm layers (`tf.layers.batch_normalization`, slim/contrib `batch_norm`, also through\n"
        "`normalizer_fn` and `arg_scope`) put their moving-statistic updates in `tf.GraphKeys.UPDATE_OPS`,\n"
        "with no control dependency on those updates and no other way for them to run (grouped with the\n"
        "train op, fetched in the same `sess.run`, or a helper such as slim's `create_train_op`).\n"
        "The BN layers may live in another file of the same project."
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
        "train_op = tf.train.AdamOptimizer().minimize(loss)\n",
        "import tensorflow as tf\n"
        "slim = tf.contrib.slim\n"
        "def build(x, is_training):\n"
        "    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,\n"
        "                        normalizer_params={'is_training': is_training}):\n"
        "        return slim.conv2d(x, 8, 3)\n"
        "loss = tf.reduce_mean(build(tf.zeros([1, 8, 8, 3]), True))\n"
        "opt = tf.train.MomentumOptimizer(0.1, 0.9)\n"
        "grads = opt.compute_gradients(loss)\n"
        "train_op = opt.apply_gradients(grads)\n",
        "from tensorflow.layers import batch_normalization as bn\n"
        "import tensorflow as tf\n"
        "def model_fn(features, labels, mode):\n"
        "    net = bn(features, training=mode == tf.estimator.ModeKeys.TRAIN)\n"
        "    loss = tf.losses.mean_squared_error(labels, net)\n"
        "    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, tf.train.get_global_step())\n"
        "    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)\n",
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
    )

    def check(self, context: FileContext) -> Iterable[Candidate]:
        if not context.imports.uses_tensorflow:
            return
        for call in context.calls:
            if call.method not in _TRAIN_METHODS or not isinstance(call.node.func, ast.Attribute):
                continue
            if under_update_dependencies(context, call) or updates_run_otherwise(context, call):
                continue
            requires = [ReachesUpdateBN()]
            for function in call.functions:
                if not isinstance(function, ast.Lambda):
                    requires.append(NotWrapped(function.name))
            finding = self.finding(
                context,
                call,
                f"`{call.method}` builds a train op that does not run the BN updates in UPDATE_OPS; "
                "moving_mean/moving_variance will stay at 0/1",
                fix="wrap it in `with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):`",
            )
            yield Candidate(finding, tuple(requires))
