"""BN012: a training-mode BN with in-place updates, built outside the tf.cond that picks it."""

from __future__ import annotations

import ast
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.context import FileContext
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.semantics import SLIM_BN, is_none, is_true
from bncheck.lint.values import value_flow


@lint_rule
class TrainingBranchOutsideCond(LintRule):
    code = "BN012"
    title = "training-mode BN with in-place updates built outside the tf.cond that picks it"
    severity = Severity.ERROR
    triggers = (Trigger((b"cond", b"updates_collections")),)
    what = (
        "`z = tf.cond(phase_train, lambda: bn_train, lambda: bn_inference)` where `bn_train` is a\n"
        "slim/contrib `batch_norm(x, is_training=True, updates_collections=None)` built before the cond,\n"
        "next to its `is_training=False` twin: the widely shared way of switching BN modes."
    )
    why = (
        "A tensor created outside the branch functions of `tf.cond` is computed whatever the predicate\n"
        "says. So every evaluation and prediction run also computes `bn_train`, whose in-place update\n"
        "folds the evaluated batch into `moving_mean`/`moving_variance`: validation and test data leak\n"
        "into the statistics that inference uses. The output is the inference branch's, so nothing\n"
        "looks wrong."
    )
    fix = (
        "Build each branch inside its function:\n"
        "    tf.cond(phase_train,\n"
        "            lambda: batch_norm(x, is_training=True, updates_collections=None, scope=scope),\n"
        "            lambda: batch_norm(x, is_training=False, reuse=True, scope=scope))\n"
        "or pass the switch itself: `batch_norm(x, is_training=phase_train, ...)`."
    )
    references = ("https://www.tensorflow.org/api_docs/python/tf/cond",)
    bad = (
        "from tensorflow.contrib.layers import batch_norm\n"
        "import tensorflow as tf\n"
        "def bn_layer(x, phase_train, scope):\n"
        "    bn_train = batch_norm(x, is_training=True, updates_collections=None, scope=scope)\n"
        "    bn_inference = batch_norm(x, is_training=False, reuse=True, scope=scope)\n"
        "    return tf.cond(phase_train, lambda: bn_train, lambda: bn_inference)  # expect: BN012\n",
        "import tensorflow as tf\n"
        "x = tf.placeholder(tf.float32, [None, 8])\n"
        "train = tf.placeholder(tf.bool)\n"
        "train_bn = tf.contrib.layers.batch_norm(x, is_training=True, updates_collections=None, scope='bn')\n"
        "test_bn = tf.contrib.layers.batch_norm(x, is_training=False, reuse=True, scope='bn')\n"
        "y = tf.cond(train, lambda: train_bn, lambda: test_bn)  # expect: BN012\n",
        "import tensorflow as tf\n"
        "from tensorflow.contrib import slim\n"
        "def norm(x, is_training):\n"
        "    inference = slim.batch_norm(x, is_training=False, scope='n')\n"
        "    training = slim.batch_norm(x, is_training=True, updates_collections=None, reuse=True,\n"
        "                               scope='n')\n"
        "    testing = tf.logical_not(is_training)\n"
        "    return tf.cond(testing, lambda: inference, lambda: training)  # expect: BN012\n",
    )
    good = (
        "from tensorflow.contrib.layers import batch_norm\n"
        "import tensorflow as tf\n"
        "def bn_layer(x, phase_train, scope):\n"
        "    return tf.cond(phase_train,\n"
        "                   lambda: batch_norm(x, is_training=True, updates_collections=None, scope=scope),\n"
        "                   lambda: batch_norm(x, is_training=False, reuse=True, scope=scope))\n",
        "from tensorflow.contrib.layers import batch_norm\n"
        "import tensorflow as tf\n"
        "def bn_layer(x, phase_train, scope):\n"
        "    bn_train = batch_norm(x, is_training=True, scope=scope)  # updates in UPDATE_OPS\n"
        "    bn_inference = batch_norm(x, is_training=False, reuse=True, scope=scope)\n"
        "    return tf.cond(phase_train, lambda: bn_train, lambda: bn_inference)\n",
        "import tensorflow as tf\n"
        "x = tf.placeholder(tf.float32, [None, 8])\n"
        "train = tf.placeholder(tf.bool)\n"
        "y = tf.contrib.layers.batch_norm(x, is_training=train, updates_collections=None, scope='bn')\n",
    )

    def check(self, context: FileContext) -> Iterable[Candidate]:
        if "cond" not in context.source or "updates_collections" not in context.source:
            return
        flow = value_flow(context)
        for call in context.calls:
            if not (call.qualname or call.method or "").endswith("cond") or len(call.node.args) < 3:
                continue
            for branch in call.node.args[1:3]:
                if not (isinstance(branch, ast.Lambda) and isinstance(branch.body, ast.Name)):
                    continue
                name = branch.body.id
                built = [a.value for a in context.assignments.get(name, ()) if a.function is call.function]
                producer = flow.call_site(built[0]) if len(built) == 1 else None
                if producer is None or producer.qualname not in SLIM_BN:
                    continue
                if not is_true(producer.keyword("is_training")) or not is_none(
                    producer.keyword("updates_collections")
                ):
                    continue
                yield Candidate(
                    self.finding(
                        context,
                        call,
                        f"`{name}` (line {producer.line}) is built outside this `tf.cond` with "
                        "`is_training=True` and in-place updates: it runs on every step, evaluation "
                        "included, and folds each evaluated batch into moving_mean/moving_variance",
                        fix="build each branch inside its function (`lambda: batch_norm(x, "
                        "is_training=True, ...)`), or pass the switch as `is_training`",
                    )
                )
                break
