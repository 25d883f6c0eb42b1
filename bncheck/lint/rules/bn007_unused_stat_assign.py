"""BN007: a population-statistics assign op that is created and never run (graph mode)."""

from __future__ import annotations

import ast
import re
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.aliases import dotted_text
from bncheck.lint.context import CallSite, FileContext
from bncheck.lint.facts import StatUpdater
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.semantics import is_graph_mode

_ASSIGN_FUNCTIONS = ("tf.assign", "tf.assign_add", "tf.assign_sub", "tf.state_ops.assign")
_ASSIGN_METHODS = ("assign", "assign_add", "assign_sub")
# "var" only as a word part of its own (pop_var, var_1), not inside "variable"
_STATS = re.compile(r"mean|variance|moving|pop|avg|average|ema|stat|(?<![a-z])var(?![a-z])", re.IGNORECASE)


def _is_stat_assign(context: FileContext, call: CallSite) -> bool:
    name = call.qualname or ""
    node = call.node
    if name.endswith("assign_moving_average") or (call.method == "assign_moving_average"):
        return True
    if name in _ASSIGN_FUNCTIONS and node.args:
        return bool(_STATS.search(context.text(node.args[0])))
    if call.method in _ASSIGN_METHODS and isinstance(node.func, ast.Attribute) and call.qualname is None:
        return bool(_STATS.search(dotted_text(node.func.value) or ""))
    if call.method == "apply" and isinstance(node.func, ast.Attribute):
        owner = dotted_text(node.func.value)
        for value in context.values_of(owner or ""):
            if isinstance(value, ast.Call) and (context.imports.resolve(value.func) or "").endswith(
                "ExponentialMovingAverage"
            ):
                # averages of batch moments, not of losses or weights (cifar10's loss averages)
                return not node.args or bool(_STATS.search(context.text(node.args[0])))
        # an average object handed in (`self.ewma_trainer = ewma_trainer`): known by its name
        if owner and _AVERAGER.search(owner.split(".")[-1]) and node.args:
            return bool(_STATS.search(context.text(node.args[0])))
    return False


_AVERAGER = re.compile(r"(?i)ema|ewma|average")
# a helper's method that may hand back an update op: `bn.get_assigner()`, `layer.update_stats()`
_UPDATER_WORDS = ("assign", "update", "averag", "Assign", "Update", "Averag")
# the word inside a longer name: not `v.assign(3)` or `config.update(...)`
_UPDATER_NAME = re.compile("\\w+(?:{0})\\w*|(?:{0})\\w+".format("|".join(_UPDATER_WORDS)))


def stat_updaters(context: FileContext) -> list[str]:
    """Functions and methods of this file that return a statistics update op (the BN helper class's
    ``def get_assigner(self): return self.ewma_trainer.apply([self.mean, self.variance])``), in a
    file that spells a BN op (the summary's `batch_norm`/`BatchNorm` trigger)."""
    if "batch_norm" not in context.source and "BatchNorm" not in context.source:
        return []
    found = []
    for call in context.calls:
        statement = call.statement
        if (
            isinstance(statement, ast.Return)
            and statement.value is call.node
            and call.function is not None
            and not isinstance(call.function, ast.Lambda)
            and _is_stat_assign(context, call)
        ):
            found.append(call.function.name)
    return found


def _runs_eagerly(context: FileContext, call: CallSite) -> bool:
    """Inside tf.function or a Keras layer/model, ops run in order without being fetched."""
    for function in call.functions:
        for decorator in getattr(function, "decorator_list", ()):
            if "function" in (
                dotted_text(decorator.func if isinstance(decorator, ast.Call) else decorator) or ""
            ):
                return True
    for cls in call.classes:
        if any(re.search(r"Layer|Model|Module", dotted_text(base) or "") for base in cls.bases):
            return True
    return False


def _is_used(context: FileContext, call: CallSite) -> bool:
    statement = call.statement
    if isinstance(statement, ast.Expr):
        return statement.value is not call.node  # dropped only when the call is the whole statement
    if not isinstance(statement, (ast.Assign, ast.AnnAssign)):
        return True
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    if any(not isinstance(target, (ast.Name, ast.Tuple, ast.List)) for target in targets):
        return True  # stored on an object or in a container: assume it is fetched later
    names = [node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)]
    if not names:
        return True
    after = (statement.end_lineno, statement.end_col_offset)
    end = getattr(call.function, "end_lineno", None) or 10**9
    for name in names:
        for load in context.loads.get(name, ()):
            if (load.lineno, load.col_offset) >= after and load.lineno <= end:
                return True
    return False


@lint_rule
class UnusedStatAssign(LintRule):
    code = "BN007"
    title = "population-statistics update is created and never run"
    severity = Severity.ERROR
    triggers = (
        Trigger((b"assign_moving_average",)),
        Trigger((b"ExponentialMovingAverage",)),  # ema.apply(...) of an ExponentialMovingAverage
        # tf.assign(pop_mean, ...) / self.moving_mean.assign(...): a statistics name next to `assign`
        Trigger(
            (b"assign",),
            rb"(?i:mean|var|moving|pop|avg|average|ema|stat)[\w.]*\.assign"
            rb"|assign(?:_add|_sub)?\((?s:.{0,120}?)(?i:mean|var|moving|pop|avg|average|ema|stat)",
            window=(200, 200),
        ),
    )
    what = (
        "In graph-mode code, an op that updates population statistics (`tf.assign(pop_mean, ...)`,\n"
        "`assign_moving_average`, `moving_mean.assign(...)`, `ema.apply(...)`) whose result is dropped or\n"
        "kept in a local name that nothing reads: typical of the manual `tf.nn.batch_normalization`\n"
        "wrapper written without `tf.control_dependencies([train_mean, train_var])`."
    )
    why = (
        "In graph mode an op runs only if it is fetched or something fetched depends on it. The\n"
        "population mean and variance then keep their initial values and inference with them is wrong."
    )
    fix = (
        "Make the normalized output depend on the updates:\n"
        "    with tf.control_dependencies([train_mean, train_var]):\n"
        "        return tf.nn.batch_normalization(x, batch_mean, batch_var, beta, scale, eps)"
    )
    bad = (
        "import tensorflow.compat.v1 as tf\n"
        "def bn(x, pop_mean, pop_var, decay=0.99):\n"
        "    mean, var = tf.nn.moments(x, [0])\n"
        "    train_mean = tf.assign(pop_mean, pop_mean * decay + mean * (1 - decay))  # expect: BN007\n"
        "    train_var = tf.assign(pop_var, pop_var * decay + var * (1 - decay))  # expect: BN007\n"
        "    return tf.nn.batch_normalization(x, mean, var, None, None, 1e-3)\n",
        "import tensorflow.compat.v1 as tf\n"
        "from tensorflow.python.training import moving_averages\n"
        "def bn(x, moving_mean):\n"
        "    mean, var = tf.nn.moments(x, [0])\n"
        "    moving_averages.assign_moving_average(moving_mean, mean, 0.99)  # expect: BN007\n"
        "    return tf.nn.batch_normalization(x, mean, var, None, None, 1e-3)\n",
        "import tensorflow.compat.v1 as tf\n"
        "def bn(x):\n"
        "    mean, var = tf.nn.moments(x, [0])\n"
        "    ema = tf.train.ExponentialMovingAverage(decay=0.9)\n"
        "    ema_op = ema.apply([mean, var])  # expect: BN007\n"
        "    return tf.nn.batch_normalization(x, mean, var, None, None, 1e-3)\n",
    )
    good = (
        "import tensorflow.compat.v1 as tf\n"
        "def bn(x, pop_mean, pop_var, decay=0.99):\n"
        "    mean, var = tf.nn.moments(x, [0])\n"
        "    train_mean = tf.assign(pop_mean, pop_mean * decay + mean * (1 - decay))\n"
        "    train_var = tf.assign(pop_var, pop_var * decay + var * (1 - decay))\n"
        "    with tf.control_dependencies([train_mean, train_var]):\n"
        "        return tf.nn.batch_normalization(x, mean, var, None, None, 1e-3)\n",
        "import tensorflow.compat.v1 as tf\n"
        "from tensorflow.python.training import moving_averages\n"
        "def bn(x, moving_mean):\n"
        "    mean, var = tf.nn.moments(x, [0])\n"
        "    update = moving_averages.assign_moving_average(moving_mean, mean, 0.99)\n"
        "    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, update)\n"
        "    return tf.nn.batch_normalization(x, mean, var, None, None, 1e-3)\n",
        "import tensorflow as tf\n"
        "class BN(tf.keras.layers.Layer):\n"
        "    def call(self, x):\n"
        "        mean, var = tf.nn.moments(x, [0])\n"
        "        self.moving_mean.assign(self.moving_mean * 0.99 + mean * 0.01)\n"
        "        return tf.nn.batch_normalization(x, mean, var, None, None, 1e-3)\n",
        "import tensorflow.compat.v1 as tf\n"
        "variable = tf.get_variable('counter', [], trainable=False)\n"
        "variable.assign(0)\n",
    )

    def check(self, context: FileContext) -> Iterable[Candidate]:
        if not is_graph_mode(context):
            return
        yield from self._dropped_helper_updates(context)
        for call in context.calls:
            if call.method not in _ASSIGN_METHODS + ("assign_moving_average", "apply") and not (
                (call.qualname or "").endswith("assign_moving_average")
            ):
                continue
            if not _is_stat_assign(context, call) or _runs_eagerly(context, call) or _is_used(context, call):
                continue
            yield Candidate(
                self.finding(
                    context,
                    call,
                    "this statistics update op is created but never run: nothing fetches it or depends on it",
                    fix="put the BN output under `tf.control_dependencies([...this op...])` "
                    "or add it to UPDATE_OPS",
                )
            )

    def _dropped_helper_updates(self, context: FileContext) -> Iterable[Candidate]:
        """``update = bn.get_assigner()`` never run, where that method (of this file or an imported
        project module) returns the EMA update of the helper's statistics.  Only in a program that
        makes the average itself (the EMA trigger above), as such programs do."""
        if "ExponentialMovingAverage" not in context.source and "assign_moving_average" not in context.source:
            return
        for call in context.calls:
            method = call.method
            if (
                method is None
                or (call.qualname or "").startswith(("tf.", "keras."))
                or method in _ASSIGN_METHODS + ("assign_moving_average", "apply")
                or not _UPDATER_NAME.fullmatch(method)
                or _runs_eagerly(context, call)
                or _is_used(context, call)
            ):
                continue
            yield Candidate(
                self.finding(
                    context,
                    call,
                    f"`{method}()` returns the BN statistics update op, which is never run: nothing "
                    "fetches it or depends on it",
                    fix="group it with the train op (`tf.group(train_op, update)`) or fetch it in the same "
                    "`sess.run`",
                ),
                (StatUpdater(method),),
            )
