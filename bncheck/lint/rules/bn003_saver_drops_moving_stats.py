"""BN003: a Saver that leaves the BN moving statistics out of the checkpoint."""

from __future__ import annotations

import ast
from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.context import FileContext
from bncheck.lint.facts import ReachesAnyBN
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule

_TRAINABLE = ("tf.trainable_variables", "slim.get_trainable_variables", "tf.global_variables_trainable")


def _is_trainable_only(context: FileContext, node: ast.AST | None, depth: int = 0) -> bool:
    if node is None or depth > 4:
        return False
    if isinstance(node, ast.Call):
        name = context.imports.resolve(node.func)
        if name in _TRAINABLE:
            return True
        method = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if method in ("get_collection", "get_collection_ref") and node.args:
            key = node.args[0]
            return (isinstance(key, ast.Attribute) and key.attr == "TRAINABLE_VARIABLES") or (
                isinstance(key, ast.Constant) and key.value == "trainable_variables"
            )
        if isinstance(node.func, ast.Name) and node.func.id in ("list", "sorted") and node.args:
            return _is_trainable_only(context, node.args[0], depth + 1)
        return False
    if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)):
        return all(_is_trainable_only(context, generator.iter, depth + 1) for generator in node.generators)
    if isinstance(node, ast.Name):
        values = context.values_of(node.id)
        if not values or not all(_is_trainable_only(context, value, depth + 1) for value in values):
            return False
        return not _extended(context, node.id)
    return False


def _extended(context: FileContext, name: str) -> bool:
    """``name.append(...)``, ``name.extend(...)``, ``name += ...`` or ``name + ...`` anywhere in the file."""
    for load in context.loads.get(name, ()):
        parent = context.parents.get(load)
        if isinstance(parent, ast.Attribute) and parent.attr in ("append", "extend", "insert", "update"):
            return True
        if isinstance(parent, ast.BinOp):
            return True
    return any(
        isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == name
        for node in ast.walk(context.tree)
    )


@lint_rule
class SaverDropsMovingStats(LintRule):
    code = "BN003"
    title = "Saver leaves the BN moving statistics out of the checkpoint"
    severity = Severity.ERROR
    triggers = (Trigger((b"Saver",)),)
    fixable = True
    what = (
        "`tf.train.Saver(var_list=...)` whose list holds only trainable variables\n"
        "(`tf.trainable_variables()`, directly, through a variable or a comprehension), in a project\n"
        "that builds batch-norm layers."
    )
    why = (
        "`moving_mean` and `moving_variance` are not trainable, so the checkpoint does not contain\n"
        "them. Restoring either fails with `Key .../moving_mean not found in checkpoint` or leaves the\n"
        "statistics at their initial 0 and 1, and inference with the restored model is wrong."
    )
    fix = (
        "Save every global variable: `tf.train.Saver(tf.global_variables())` (or no var_list), or\n"
        "append the moving statistics to the list. `bncheck lint --fix` replaces the var_list."
    )
    bad = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "saver = tf.train.Saver(tf.trainable_variables())\n",
        "import tensorflow as tf\n"
        "slim = tf.contrib.slim\n"
        "net = slim.batch_norm(tf.zeros([2, 3]), is_training=True)\n"
        "to_save = tf.trainable_variables()\n"
        "saver = tf.train.Saver(var_list=to_save, max_to_keep=3)\n",
        "import tensorflow as tf\n"
        "layer = tf.keras.layers.BatchNormalization()\n"
        "saver = tf.compat.v1.train.Saver({v.op.name: v for v in tf.compat.v1.trainable_variables()})\n",
    )
    good = (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "saver = tf.train.Saver(tf.global_variables())\n",
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "var_list = tf.trainable_variables()\n"
        "var_list += [v for v in tf.global_variables() if 'moving_' in v.name]\n"
        "saver = tf.train.Saver(var_list)\n",
        "import tensorflow.compat.v1 as tf\n"
        "w = tf.get_variable('w', [3, 3])\n"
        "saver = tf.train.Saver(tf.trainable_variables())\n",
    )

    def check(self, context: FileContext) -> Iterable[Candidate]:
        for call in context.calls_named("tf.train.Saver"):
            var_list = call.keyword("var_list")
            if var_list is None and call.node.args:
                var_list = call.node.args[0]
            if not _is_trainable_only(context, var_list):
                continue
            finding = self.finding(
                context,
                call,
                "this Saver saves only trainable variables, so BN moving_mean/moving_variance are not "
                "checkpointed",
                fix="pass `tf.global_variables()` as var_list",
            )
            yield Candidate(finding, (ReachesAnyBN(),))
