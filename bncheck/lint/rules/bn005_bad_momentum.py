"""BN005: a BN momentum/decay of 1, 0 or outside [0, 1]."""

from __future__ import annotations

import ast
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.aliases import dotted_text
from bncheck.lint.context import CallSite, FileContext
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.semantics import (
    SLIM_BN,
    _lists_op,
    bn_producers,
    constant_number,
    keras_bn_calls,
    is_nets_arg_scope,
    moments_bindings,
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
        # a hand-written BN averaging its batch moments with an ExponentialMovingAverage
        Trigger((b"ExponentialMovingAverage", b"moments")),
    )
    what = (
        "A batch-norm `momentum` (tf.layers, Keras) or `decay` (slim/contrib, also in `normalizer_params`,\n"
        "an `arg_scope` or a nets arg scope's `batch_norm_decay`) that is a constant equal to 1 (error),\n"
        "0 (warning), below 0.5 (warning: PyTorch's momentum convention, 0.1 for 0.9) or outside [0, 1]\n"
        "(error). A parameter's default counts when no call site of the file overrides it. The same for\n"
        "a hand-written BN's `tf.train.ExponentialMovingAverage(decay=...)` applied to the moments of\n"
        "`tf.nn.moments`, where 0.5 (the widely copied snippet's value) is low too."
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
        "import tensorflow.compat.v1 as tf\n"
        "def bn(x, train):\n"
        "    mean, var = tf.nn.moments(x, [0])\n"
        "    ema = tf.train.ExponentialMovingAverage(decay=0.5)  # expect: BN005\n"
        "    update = ema.apply([mean, var])\n"
        "    return tf.cond(train, lambda: (mean, var, update),\n"
        "                   lambda: (ema.average(mean), ema.average(var)))\n",
    )
    good = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True, momentum=0.99)\n",
        "from tensorflow.contrib import slim\n"
        "net = slim.batch_norm(slim.conv2d(None, 8, 3), decay=0.997, is_training=True)\n",
        "import tensorflow as tf\n"
        "def layer(momentum):\n"
        "    return tf.keras.layers.BatchNormalization(momentum=momentum)\n",
        "import tensorflow.compat.v1 as tf\n"
        "loss = tf.reduce_sum(tf.zeros([3]))\n"
        "averages = tf.train.ExponentialMovingAverage(decay=0.5)  # of the losses, not of BN moments\n"
        "update = averages.apply([loss])\n",
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
            verdict = _verdict(f"BN {key}", _number(context, value, call.function), pytorch=True)
            if verdict is not None:
                message, severity = verdict
                yield Candidate(
                    self.finding(
                        context, call, message, severity=severity, fix=f"use a {key} in (0, 1), e.g. 0.99"
                    )
                )
        yield from self._averages_of_batch_moments(context)

    def _averages_of_batch_moments(self, context: FileContext) -> Iterable[Candidate]:
        """A hand-written BN's population statistics: ``ema = tf.train.ExponentialMovingAverage(decay=0.5)``
        whose ``ema.apply([batch_mean, batch_var])`` averages the moments of ``tf.nn.moments``."""
        if "ExponentialMovingAverage" not in context.source or "moments" not in context.source:
            return
        moments = {binding.target for binding in moments_bindings(context)}
        for call in context.calls_named("tf.train.ExponentialMovingAverage"):
            value = call.node.args[0] if call.node.args else call.keyword("decay")
            verdict = _verdict("the moving average of the batch moments, decay", _number(
                context, value, call.function))
            if verdict is None or not _applied_to(context, call, moments):
                continue
            message, severity = verdict
            yield Candidate(
                self.finding(
                    context, call, message, severity=severity, fix="use a decay in (0, 1), e.g. 0.99"
                )
            )


def _verdict(what: str, number: float | None, pytorch: bool = False) -> tuple[str, Severity] | None:
    """The message and severity for a decay of ``number`` (None: a usable decay, or not a constant).

    A BN layer's momentum is low below 0.5 (the PyTorch convention, ``pytorch``); the average of a
    hand-written BN's moments at 0.5 too, the value of the widely copied snippet."""
    if number is None:
        return None
    if number == 1:
        return f"{what}={number:g} freezes the moving statistics at their initial 0 and 1", Severity.ERROR
    if number == 0:
        return f"{what}=0 keeps only the last batch's statistics for inference", Severity.WARNING
    if number < 0 or number > 1:
        return f"{what}={number:g} is outside [0, 1]; the moving statistics diverge", Severity.ERROR
    if number < SMALL_DECAY or (number == SMALL_DECAY and not pytorch):
        message = (
            f"{what}={number:g} keeps only {number:.0%} of the moving average per step, so inference uses "
            "about the statistics of the last batch or two"
        )
        if pytorch:
            key = what.rsplit(" ", 1)[-1]
            message += (
                f"; PyTorch's momentum={number:g} is TensorFlow's {key}={1 - number:g} "
                "(TensorFlow weights the old average)"
            )
        return message, Severity.WARNING
    return None


def _applied_to(context: FileContext, average: CallSite, moments: set[str]) -> bool:
    """Some ``<name>.apply([...])`` of the file, ``<name>`` bound to ``average``, averages a name that
    ``tf.nn.moments`` bound."""
    for call in context.calls:
        if call.method != "apply" or not isinstance(call.node.func, ast.Attribute) or not call.node.args:
            continue
        owner = dotted_text(call.node.func.value)
        if owner is None or not any(value is average.node for value in context.values_of(owner)):
            continue
        if any(isinstance(node, ast.Name) and node.id in moments for node in ast.walk(call.node.args[0])):
            return True
    return False


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
