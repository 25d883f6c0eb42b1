"""BN002: UPDATE_OPS read before the BN layers that fill it are built."""

from __future__ import annotations

import ast
import re
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.context import CallSite, FileContext
from bncheck.lint.facts import ImportedBNFunction
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.semantics import (
    _imported_origin,
    update_bn_functions,
    update_bn_producers,
    update_ops_reads,
)


def _by_scope(calls: Iterable[CallSite]) -> dict[int, list[CallSite]]:
    """Calls grouped by the function they are in (the module's as one group), in file order.

    Each read is then compared with the calls of its own scope only: comparing every read with
    every call of the file made a file of many functions quadratic.
    """
    groups: dict[int, list[CallSite]] = {}
    for call in calls:
        groups.setdefault(id(call.function), []).append(call)
    return groups


_MODEL_LIKE = re.compile(
    r"^(model|net|network|backbone|tower|inference|forward|build_\w*|\w*_model|\w*_net|\w*network)$"
)


def _may_build_model(context: FileContext, call: CallSite) -> bool:
    """A call of something that looks like the model (``model(x)``, ``build_net(x)``), not of TensorFlow."""
    if call.qualname is not None:
        return False
    text = call.callee or ""
    name = text.rsplit(".", 1)[-1]
    return bool(_MODEL_LIKE.match(name))


def _builds_bn_locally(context: FileContext, call: CallSite, functions: set[str]) -> bool:
    func = call.node.func
    if isinstance(func, ast.Name):
        return func.id in functions
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("self", "cls")
    ):
        return func.attr in functions
    return False


@lint_rule
class UpdateOpsReadEarly(LintRule):
    code = "BN002"
    title = "UPDATE_OPS read before the BN layers are built"
    severity = Severity.ERROR
    triggers = (Trigger((b"UPDATE_OPS",)), Trigger((b"update_ops",)))
    what = (
        "`tf.get_collection(tf.GraphKeys.UPDATE_OPS)` called in a scope before the code in the same scope\n"
        "that builds the batch-norm layers (directly or through a function of the project)."
    )
    why = (
        "`get_collection` returns a copy of the collection as it is at that moment. Read before the\n"
        "layers exist, the list is empty: the control dependency built from it depends on nothing and\n"
        "the moving statistics never update (tensorflow PR #17719)."
    )
    fix = "Read UPDATE_OPS after the model is built, right before creating the train op."
    references = ("https://github.com/tensorflow/tensorflow/pull/17719",)
    bad = (
        "import tensorflow.compat.v1 as tf\n"
        "x = tf.placeholder(tf.float32, [None, 4])\n"
        "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)  # expect: BN002\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "with tf.control_dependencies(update_ops):\n"
        "    train_op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))\n",
        "import tensorflow as tf\n"
        "def model(x, training):\n"
        "    return tf.layers.batch_normalization(x, training=training)\n"
        "def main():\n"
        "    extra = tf.get_collection(tf.GraphKeys.UPDATE_OPS)  # expect: BN002\n"
        "    loss = tf.reduce_sum(model(tf.zeros([2, 3]), True))\n"
        "    with tf.control_dependencies(extra):\n"
        "        return tf.train.AdamOptimizer().minimize(loss)\n",
        "import tensorflow as tf\n"
        "from tensorflow.contrib import slim\n"
        "ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)  # expect: BN002\n"
        "net = slim.batch_norm(tf.zeros([2, 3]), is_training=True)\n"
        "train_op = tf.group(tf.train.AdamOptimizer().minimize(tf.reduce_sum(net)), *ops)\n",
    )
    good = (
        "import tensorflow.compat.v1 as tf\n"
        "x = tf.placeholder(tf.float32, [None, 4])\n"
        "h = tf.layers.batch_normalization(x, training=True)\n"
        "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "with tf.control_dependencies(update_ops):\n"
        "    train_op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))\n",
        "import tensorflow as tf\n"
        "def train_op_for(loss):\n"
        "    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "    with tf.control_dependencies(update_ops):\n"
        "        return tf.train.AdamOptimizer().minimize(loss)\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "op = train_op_for(tf.reduce_sum(h))\n",
        "import tensorflow as tf\n"
        "def model(x):\n"
        "    return tf.layers.batch_normalization(x, training=True)\n"
        "def main():\n"
        "    loss = tf.reduce_sum(model(tf.zeros([2, 3])))\n"
        "    extra = tf.get_collection(tf.GraphKeys.UPDATE_OPS)  # noqa: BN002\n"
        "    with tf.control_dependencies(extra):\n"
        "        return tf.train.AdamOptimizer().minimize(loss)\n",
    )

    def check(self, context: FileContext) -> Iterable[Candidate]:
        reads = update_ops_reads(context)
        if not reads:
            return
        producers = _by_scope(update_bn_producers(context))
        functions = update_bn_functions(context)
        calls = _by_scope(context.calls)
        for read in reads:
            scope_calls = calls.get(id(read.function), [])
            builders = list(producers.get(id(read.function), []))
            builders += [c for c in scope_calls if _builds_bn_locally(context, c, functions)]
            if any(b.line < read.line for b in builders):
                continue
            message = (
                "UPDATE_OPS is read here, before the BN layers are built; "
                "the list is empty and no update runs"
            )
            if any(b.line > read.line for b in builders):
                yield Candidate(
                    self.finding(context, read, message, fix="read UPDATE_OPS after building the model")
                )
                continue
            # builders imported from other files of the project
            later = []
            earlier_unknown = False
            for call in scope_calls:
                if call.line == read.line:
                    continue
                origin = _imported_origin(context, call.node.func)
                if origin is None:
                    continue
                if call.line < read.line:
                    earlier_unknown = True
                else:
                    later.append(ImportedBNFunction(name=origin[1], module=origin[0]))
            if later and not earlier_unknown:
                yield Candidate(
                    self.finding(context, read, message, fix="read UPDATE_OPS after building the model"),
                    any_of=tuple(later),
                )
                continue
            # the model is a callable passed in (`model(images)`), built by this project's BN code
            same_scope = [c for c in scope_calls if c.line != read.line]
            if (
                functions
                and not earlier_unknown
                and not any(_may_build_model(context, c) for c in same_scope if c.line < read.line)
                and any(_may_build_model(context, c) for c in same_scope if c.line > read.line)
            ):
                yield Candidate(
                    self.finding(context, read, message, fix="read UPDATE_OPS after building the model")
                )
