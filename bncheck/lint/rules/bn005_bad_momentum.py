"""BN005: a BN momentum/decay of 1, 0 or outside [0, 1]."""

from __future__ import annotations

from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.context import FileContext
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.semantics import (
    SLIM_BN,
    bn_producers,
    constant_number,
    is_keras_bn,
    is_nets_arg_scope,
    setting,
)


@lint_rule
class BadMomentum(LintRule):
    code = "BN005"
    title = "BN momentum/decay freezes or discards the moving statistics"
    severity = Severity.ERROR
    triggers = (
        Trigger((b"batch_norm",)),  # tf.layers.batch_normalization, slim batch_norm, normalizer_fn=...
        Trigger((b"BatchNorm",)),
        Trigger((b"normalizer_fn",)),  # normalizer_fn=bn, bn an alias of a BN function
        Trigger((b"_arg_scope",)),  # slim nets' arg scopes build BN
    )
    what = (
        "A batch-norm `momentum` (tf.layers, Keras) or `decay` (slim/contrib, also in `normalizer_params`,\n"
        "an `arg_scope` or a nets arg scope's `batch_norm_decay`) that is a constant equal to 1 (error),\n"
        "0 (warning) or outside [0, 1] (error)."
    )
    why = (
        "`moving = moving * decay + batch * (1 - decay)`. With decay 1 the moving statistics stay at\n"
        "their initial 0 and 1 forever, so inference does not normalize at all. With decay 0 they hold\n"
        "only the last training batch. Outside [0, 1] the average diverges. The training-mode output\n"
        "does not depend on decay, so none of this shows while training."
    )
    fix = "Use a decay in (0, 1), typically 0.9 to 0.999 (lower values for short trainings)."
    bad = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True, momentum=1.0)\n",
        "from tensorflow.contrib import slim\n"
        "DECAY = 0\n"
        "net = slim.batch_norm(slim.conv2d(None, 8, 3), decay=DECAY, is_training=True)\n",
        "import tensorflow as tf\nlayer = tf.keras.layers.BatchNormalization(momentum=1.5)\n",
    )
    good = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True, momentum=0.99)\n",
        "from tensorflow.contrib import slim\n"
        "net = slim.batch_norm(slim.conv2d(None, 8, 3), decay=0.997, is_training=True)\n",
        "import tensorflow as tf\n"
        "def layer(momentum):\n"
        "    return tf.keras.layers.BatchNormalization(momentum=momentum)\n",
    )

    def check(self, context: FileContext) -> Iterable[Candidate]:
        sites = list(bn_producers(context)) + [call for call in context.calls if is_keras_bn(call)]
        for call in sites:
            if is_nets_arg_scope(call):
                key, value = "batch_norm_decay", call.keyword("batch_norm_decay")
            elif call.qualname in SLIM_BN or call.keyword("normalizer_fn") is not None:
                key, value = "decay", setting(context, call, "decay")
            else:
                key, value = "momentum", setting(context, call, "momentum")
            number = constant_number(context, value)
            if number is None:
                continue
            if number == 1:
                message = f"BN {key}={number:g} freezes the moving statistics at their initial 0 and 1"
                severity = Severity.ERROR
            elif number == 0:
                message = f"BN {key}=0 keeps only the last batch's statistics for inference"
                severity = Severity.WARNING
            elif number < 0 or number > 1:
                message = f"BN {key}={number:g} is outside [0, 1]; the moving statistics diverge"
                severity = Severity.ERROR
            else:
                continue
            yield Candidate(
                self.finding(
                    context, call, message, severity=severity, fix=f"use a {key} in (0, 1), e.g. 0.99"
                )
            )
