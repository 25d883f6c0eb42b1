"""BN005: a BN momentum/decay of 1, 0 or outside [0, 1]."""

from __future__ import annotations

import ast
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.context import CallSite, FileContext
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.semantics import (
    SLIM_BN,
    _lists_op,
    bn_producers,
    constant_number,
    keras_bn_calls,
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
        "0 (warning), below 0.5 (warning: PyTorch's momentum convention, 0.1 for 0.9) or outside [0, 1]\n"
        "(error). A parameter's default counts when no call site of the file overrides it."
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
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True, momentum=1.0)  # expect: "
        "BN005\n",
        "from tensorflow.contrib import slim\n"
        "DECAY = 0\n"
        "net = slim.batch_norm(slim.conv2d(None, 8, 3), decay=DECAY, is_training=True)  # expect: BN005\n",
        "import tensorflow as tf\n"
        "layer = tf.keras.layers.BatchNormalization(momentum=1.5)  # expect: BN005\n",
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
        if context.is_test_file:
            return  # a unit test may set any decay it tests
        scopes = _bn_arg_scopes(context)
        from_scope = {id(value) for _, value in scopes}
        sites = [(call, None) for call in bn_producers(context)]
        sites += [(call, None) for call in keras_bn_calls(context)]
        for call, value in sites + scopes:
            if value is not None:
                key = "decay"
            elif is_nets_arg_scope(call):
                key, value = "batch_norm_decay", call.keyword("batch_norm_decay")
            elif call.qualname in SLIM_BN or call.keyword("normalizer_fn") is not None:
                key, value = "decay", setting(context, call, "decay")
            else:
                key, value = "momentum", setting(context, call, "momentum")
            if id(value) in from_scope and (call, value) not in scopes:
                continue  # reported once, at the arg_scope that sets it
            number = _number(context, value, call.function)
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
            elif number < SMALL_DECAY:
                message = (
                    f"BN {key}={number:g} keeps only {number:.0%} of the moving average per step, so "
                    "inference uses about the last batch's statistics; PyTorch's momentum="
                    f"{number:g} is TensorFlow's {key}={1 - number:g} (TensorFlow weights the old average)"
                )
                severity = Severity.WARNING
            else:
                continue
            yield Candidate(
                self.finding(
                    context, call, message, severity=severity, fix=f"use a {key} in (0, 1), e.g. 0.99"
                )
            )


# below this a decay keeps almost nothing of the average: the PyTorch convention (momentum=0.1) in TF code
SMALL_DECAY = 0.5


def _bn_arg_scopes(context: FileContext) -> list[tuple[CallSite, ast.expr]]:
    """``arg_scope([slim.batch_norm, ...], decay=...)`` calls and the decay they set."""
    scopes: list[tuple[CallSite, ast.expr]] = []
    if "arg_scope" not in context.source:
        return scopes
    for call in context.calls:
        if (
            (call.method or "").endswith("arg_scope")
            and call.node.args
            and _lists_op(context, call.node, SLIM_BN)
        ):
            value = call.keyword("decay")
            if value is not None:
                scopes.append((call, value))
    return scopes


def _number(context: FileContext, value: object, function: ast.AST | None) -> float | None:
    """A constant decay, also through a parameter's default that no call site of the file overrides."""
    number = constant_number(context, value)
    if number is not None or not isinstance(value, ast.Name) or function is None:
        return number
    if value.id in context.assignments or isinstance(function, ast.Lambda):
        return None
    args = function.args
    positional = list(args.posonlyargs) + list(args.args)
    defaults = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults) :]], args.defaults))
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    default = defaults.get(value.id)
    if default is None:
        return None
    index = [a.arg for a in positional].index(value.id) if value.id in [a.arg for a in positional] else -1
    for site in context.calls:
        if site.method == function.name and (
            site.keyword(value.id) is not None or site.has_star_kwargs or 0 <= index < len(site.node.args)
        ):
            return None  # a call site passes its own value
    return constant_number(context, default)
