"""The checkpoint-audit rules (BN1xx) in the shared registry; no TensorFlow here.

Each rule's examples are short programs that write a checkpoint showing the problem
(bad) or not (good); the audit tests build exactly these checkpoints.
"""

from __future__ import annotations

from bncheck.findings import Rule, Severity, register

_REFERENCES_UPDATE = (
    "https://github.com/tensorflow/tensorflow/issues/11965",
    "https://github.com/tensorflow/tensorflow/issues/10118",
    "https://github.com/tensorflow/tensorflow/pull/17719",
)

BN101 = register(
    Rule(
        code="BN101",
        title="BN layer saved without its moving statistics",
        severity=Severity.ERROR,
        face="audit",
        what=(
            "A batch-norm layer whose gamma/beta are in the checkpoint but whose moving_mean and "
            "moving_variance are not."
        ),
        why=(
            "The checkpoint was written by a Saver whose var_list held only the trainable variables. "
            "moving_mean and moving_variance are not trainable, so they were left out: restoring fails "
            "with `Key .../moving_mean not found in checkpoint`, or (with a partial restore) inference "
            "runs on the initial statistics 0 and 1 and test accuracy collapses."
        ),
        fix=(
            "Save every global variable: `tf.train.Saver()` or `tf.train.Saver(tf.global_variables())`; "
            "if the list must be filtered, append the moving statistics: "
            "`var_list = tf.trainable_variables() + "
            "[v for v in tf.global_variables() if 'moving_' in v.name]`. "
            "The lost statistics can be re-estimated by running training-mode batches with UPDATE_OPS."
        ),
        examples_bad=(
            "x = tf.layers.batch_normalization(x, training=True)\n"
            "saver = tf.train.Saver(var_list=tf.trainable_variables())  # moving_mean/variance not saved\n"
            "saver.save(sess, 'model.ckpt', global_step=step)\n",
        ),
        examples_good=(
            "x = tf.layers.batch_normalization(x, training=True)\n"
            "saver = tf.train.Saver()  # all global variables, moving statistics included\n"
            "saver.save(sess, 'model.ckpt', global_step=step)\n",
        ),
    )
)

BN102 = register(
    Rule(
        code="BN102",
        title="moving statistics never updated although the model was trained",
        severity=Severity.ERROR,
        face="audit",
        what=(
            "Every BN layer's moving_mean is exactly 0 and moving_variance exactly 1 (their initial "
            "values), while the checkpoint shows training happened: global_step > 0, or gamma/beta "
            "moved away from 1/0."
        ),
        why=(
            "The update ops (AssignMovingAvg in tf.GraphKeys.UPDATE_OPS) never ran, because the train op "
            "did not depend on them, or the decay (momentum) was 1, which keeps the statistics at 0/1. "
            "Training-mode accuracy looks fine because it uses batch statistics; inference with "
            "training=False normalizes with mean 0 and variance 1, i.e. not at all."
        ),
        fix=(
            "Make the train op depend on the update ops: "
            "`update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)` after building the model, then "
            "`with tf.control_dependencies(update_ops): train_op = opt.minimize(loss)`; use a decay "
            "(momentum) below 1, e.g. 0.99. Then retrain, or re-estimate the statistics by running "
            "training-mode batches with the update ops."
        ),
        examples_bad=(
            "x = tf.layers.batch_normalization(x, training=True)\n"
            "train_op = tf.train.AdamOptimizer().minimize(loss, global_step=step)  # UPDATE_OPS never run\n",
            "# decay 1 freezes the stats\n"
            "x = tf.layers.batch_normalization(x, training=True, momentum=1.0)\n",
        ),
        examples_good=(
            "x = tf.layers.batch_normalization(x, training=True)\n"
            "with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
            "    train_op = tf.train.AdamOptimizer().minimize(loss, global_step=step)\n",
        ),
        references=_REFERENCES_UPDATE,
    )
)

BN103 = register(
    Rule(
        code="BN103",
        title="moving statistics are NaN, Inf or a non-positive variance",
        severity=Severity.ERROR,
        face="audit",
        what="moving_variance holds a value <= 0, NaN or Inf, or moving_mean holds NaN or Inf.",
        why=(
            "Inference divides by sqrt(moving_variance + epsilon): a NaN or Inf propagates to every output, "
            "and a negative variance (below -epsilon) gives NaN. These values come from a diverged run "
            "(a NaN loss that reached the batch statistics) or from statistics written by hand."
        ),
        fix=(
            "Restore an earlier checkpoint whose statistics are finite, find the divergence (lower the "
            "learning rate, add gradient clipping, check the input data for NaN), and re-estimate the "
            "statistics with training-mode batches."
        ),
        examples_bad=(
            "training diverged: the loss became NaN and the next update wrote NaN into moving_variance\n",
        ),
        examples_good=(
            "a run whose loss stayed finite: moving_variance positive and finite in every channel\n",
        ),
    )
)

BN104 = register(
    Rule(
        code="BN104",
        title="some BN layers updated, others frozen at their initial statistics",
        severity=Severity.WARNING,
        face="audit",
        what=(
            "In one checkpoint, some BN layers' moving statistics moved while others are still exactly "
            "mean 0 / variance 1."
        ),
        why=(
            "Only some update ops ran: UPDATE_OPS was read before all BN layers were built (the collection "
            "was collected too early), only one tower's update ops were used, or part of the model lives "
            "in a second graph or scope whose updates were never run. The frozen layers normalize "
            "nothing at inference."
        ),
        fix=(
            "Read `tf.get_collection(tf.GraphKeys.UPDATE_OPS)` after the whole model is built and without "
            "a scope filter that drops layers; group the update ops of every tower into the train op."
        ),
        examples_bad=(
            "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)  # read after the first layer only\n"
            "x = tf.layers.batch_normalization(x, training=True, name='bn2')  # its updates never run\n",
        ),
        examples_good=(
            "x = tf.layers.batch_normalization(x, training=True, name='bn2')\n"
            "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)  # after every BN layer exists\n",
        ),
        references=("https://github.com/tensorflow/tensorflow/pull/17719",),
    )
)

BN105 = register(
    Rule(
        code="BN105",
        title="trainable parameters changed between checkpoints, moving statistics did not",
        severity=Severity.WARNING,
        face="audit",
        what=(
            "Across two checkpoints of one run (in step order), a BN layer's gamma/beta changed (or the "
            "step advanced, for a layer without gamma/beta) while its moving_mean and moving_variance "
            "stayed bit-for-bit the same."
        ),
        why=(
            "Training went on but the update ops did not run, typically a fine-tuning run that restored "
            "pretrained statistics and then dropped UPDATE_OPS, or set decay to 1. The statistics no longer "
            "match the weights they normalize."
        ),
        fix=(
            "Run the update ops with the train op (`tf.control_dependencies(update_ops)`), "
            "or freeze the layer "
            "on purpose (trainable=False and training=False) so that gamma/beta stop changing too."
        ),
        examples_bad=(
            "saver.restore(sess, 'pretrained.ckpt')\n"
            "train_op = opt.minimize(loss, global_step=step)  # no UPDATE_OPS; gamma/beta keep training\n"
            "# ckpt-100 and ckpt-200 share the statistics\n"
            "saver.save(sess, 'model.ckpt', global_step=step)\n",
        ),
        examples_good=(
            "with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
            "    train_op = opt.minimize(loss, global_step=step)\n",
        ),
    )
)

BN106 = register(
    Rule(
        code="BN106",
        title="no sign of training in the checkpoint",
        severity=Severity.INFO,
        face="audit",
        what=(
            "global_step is 0 or absent, every gamma is 1, every beta is 0 and the moving statistics are "
            "0 and 1: the checkpoint holds freshly initialised BN layers."
        ),
        why=(
            "Not a bug by itself (an initial checkpoint, a model exported before training), but a model "
            "that ships like this normalizes nothing at inference. Reported as information so that a CI "
            "gate can require a trained checkpoint with --fail-on info."
        ),
        fix="Audit the checkpoint written after training (e.g. the directory's latest, or --all).",
        examples_bad=("saver.save(sess, 'model.ckpt', global_step=0)  # right after initialisation\n",),
        examples_good=(
            "saver.save(sess, 'model.ckpt', global_step=step)  # after training steps with UPDATE_OPS\n",
        ),
    )
)
