"""BN003: a Saver that leaves the BN moving statistics out of the checkpoint."""

from __future__ import annotations

from typing import Iterable

from bncheck.findings import Severity
from bncheck.lint.context import FileContext
from bncheck.lint.facts import ReachesAnyBN, SharesProgramWithBN
from bncheck.lint.rulebase import Candidate, LintRule, Trigger, lint_rule
from bncheck.lint.semantics import model_from_parameter
from bncheck.lint.values import Holds, value_flow


def drops_moving_stats(holds: Holds) -> bool:
    """A var_list that holds trainable variables and nothing that could be a moving statistic."""
    return bool(holds & Holds.TRAINABLE) and not holds & (Holds.ALL_VARIABLES | Holds.UNKNOWN | Holds.UPDATES)


@lint_rule
class SaverDropsMovingStats(LintRule):
    code = "BN003"
    title = "Saver leaves the BN moving statistics out of the checkpoint"
    severity = Severity.ERROR
    # a var list holds trainable variables only through a spelling of them (`tf.trainable_variables()`,
    # `tf.GraphKeys.TRAINABLE_VARIABLES`, `model.trainable_weights`): a file naming neither holds none
    triggers = (Trigger((b"Saver", b"trainable")), Trigger((b"Saver", b"TRAINABLE")))
    fixable = True
    what = (
        "`tf.train.Saver(var_list=...)` whose list holds only trainable variables, followed as a value\n"
        "(`tf.trainable_variables()` through names, comprehensions and filters, plus extras such as the\n"
        "global step), in a project that builds batch-norm layers whose moving statistics are not put\n"
        "in TRAINABLE_VARIABLES (`variables_collections`). Restore-only Savers count too."
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
        "saver = tf.train.Saver(tf.trainable_variables())  # expect: BN003\n",
        "import tensorflow as tf\n"
        "slim = tf.contrib.slim\n"
        "net = slim.batch_norm(tf.zeros([2, 3]), is_training=True)\n"
        "to_save = tf.trainable_variables()\n"
        "saver = tf.train.Saver(var_list=to_save, max_to_keep=3)  # expect: BN003\n",
        "import tensorflow as tf\n"
        "layer = tf.keras.layers.BatchNormalization()\n"
        "saver = tf.compat.v1.train.Saver({v.op.name: v for v in tf.compat.v1.trainable_variables()})  "
        "# expect: BN003\n",
    )
    bad += (
        "import tensorflow.compat.v1 as tf\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "step = tf.train.get_or_create_global_step()\n"
        "saver = tf.train.Saver([v for v in tf.trainable_variables()] + [step])  # expect: BN003\n",
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
            if var_list is None or not drops_moving_stats(value_flow(context).holds(var_list, call.function)):
                continue
            finding = self.finding(
                context,
                call,
                "this Saver saves only trainable variables, so BN moving_mean/moving_variance are not "
                "checkpointed",
                fix="pass `tf.global_variables()` as var_list",
            )
            any_of: tuple = (ReachesAnyBN(),)
            if model_from_parameter(context, call) or call.function is not None:
                # a helper's function (`get_init_fn(...)`) lists the variables of whatever graph the
                # program that imports it has built: that program's BN counts
                any_of += (SharesProgramWithBN(update=False),)
            yield Candidate(finding, (), any_of)
