"""Rules BN201-BN203: exported graphs (`bncheck graph`); BN204, a traced run's, is in ``bncheck.trace.rules``.

This module only registers metadata; it must not import TensorFlow.
"""

from __future__ import annotations

from bncheck.findings import Rule, Severity, register

_MISSING_UPDATES_BAD = """\
x = tf.compat.v1.layers.batch_normalization(x, training=is_training)
loss = ...
train_op = tf.compat.v1.train.AdamOptimizer(1e-3).minimize(loss)
"""

_MISSING_UPDATES_GOOD = """\
x = tf.compat.v1.layers.batch_normalization(x, training=is_training)
loss = ...
update_ops = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(update_ops):
    train_op = tf.compat.v1.train.AdamOptimizer(1e-3).minimize(loss)
"""

BN201 = register(
    Rule(
        code="BN201",
        title="BN update ops that no train op depends on",
        severity=Severity.ERROR,
        what=(
            "In the exported graph, the ops that update a BN layer's moving_mean and moving_variance "
            "(AssignMovingAvg of tf.layers, contrib/slim and Keras, or the assigns of a hand-written "
            "tf.nn.batch_normalization wrapper) are not among the data or control inputs of any train op. "
            "The finding names each BN layer affected and each train op."
        ),
        why=(
            "TensorFlow runs only what the fetched op depends on. tf.layers puts its updates in "
            "UPDATE_OPS and Keras keeps them in layer.updates; neither runs them by itself. Training "
            "still looks fine (training=True normalizes with batch statistics), but the moving "
            "statistics stay at 0 and 1 and inference with training=False collapses."
        ),
        fix=(
            "Create the train op under tf.control_dependencies(tf.compat.v1.get_collection(UPDATE_OPS)), "
            "read after the model is built; for Keras, group model.updates with the train op; or fetch "
            "the update ops in the same session.run as the train op."
        ),
        face="graph",
        examples_bad=(_MISSING_UPDATES_BAD,),
        examples_good=(_MISSING_UPDATES_GOOD,),
        references=(
            "https://github.com/tensorflow/tensorflow/issues/11965",
            "https://github.com/tensorflow/tensorflow/pull/17719",
            "https://github.com/tensorflow/tensorflow/issues/23873",
        ),
    )
)

BN202 = register(
    Rule(
        code="BN202",
        title="the graph's Saver does not save the moving statistics",
        severity=Severity.ERROR,
        what=(
            "The Saver recorded in the MetaGraphDef (saver_def, or the savers collection) writes a "
            "checkpoint that lacks some BN layer's moving_mean or moving_variance."
        ),
        why=(
            "Moving statistics are not trainable, so Saver(var_list=tf.trainable_variables()) leaves them "
            "out. Restoring then fails with 'Key .../moving_mean not found in checkpoint', or a model "
            "initialised before restoring silently keeps the initial 0 and 1."
        ),
        fix=(
            "Save all global variables: tf.compat.v1.train.Saver() or "
            "Saver(var_list=tf.compat.v1.global_variables())."
        ),
        face="graph",
        examples_bad=("saver = tf.compat.v1.train.Saver(var_list=tf.compat.v1.trainable_variables())\n",),
        examples_good=("saver = tf.compat.v1.train.Saver()\n",),
    )
)

BN203 = register(
    Rule(
        code="BN203",
        title="BN layer whose training argument is a constant of the wrong kind",
        severity=Severity.ERROR,
        what=(
            "A BN layer was built with a Python constant for training: False in a graph that has a train "
            "op, or True in a graph without one (an evaluation graph)."
        ),
        why=(
            "With training=False in the training graph the layer normalizes with moving statistics that "
            "never update and builds no update ops. With training=True in the evaluation graph every "
            "validation batch is normalized with its own statistics and, if updates run, overwrites the "
            "moving statistics."
        ),
        fix=(
            "Pass a boolean placeholder (training=is_training) and feed it, or build the training graph "
            "with True and the evaluation graph with False."
        ),
        face="graph",
        examples_bad=(
            (
                "x = tf.compat.v1.layers.batch_normalization(x, training=False)\n"
                "train_op = optimizer.minimize(loss)\n"
            ),
        ),
        examples_good=(
            (
                "is_training = tf.compat.v1.placeholder_with_default(False, [])\n"
                "x = tf.compat.v1.layers.batch_normalization(x, training=is_training)\n"
            ),
        ),
        references=("https://github.com/tensorflow/tensorflow/issues/10118",),
    )
)
