"""Estimator fine-tuning from an ImageNet checkpoint through a Scaffold init_fn.

The restore list starts from the trainable variables, drops the excluded scopes, is renamed into
the checkpoint's scope and filtered by what the checkpoint holds: the backbone's moving means and
variances are never restored.  The Saver that writes the checkpoints, over the global variables, keeps them.
"""

import tensorflow as tf


def backbone(images, is_training):
    net = tf.layers.conv2d(images, 64, 7, strides=2, use_bias=False)
    net = tf.nn.relu(tf.layers.batch_normalization(net, training=is_training))
    return tf.reduce_mean(net, [1, 2])


def restore_fn(checkpoint_path, exclude_scopes, model_scope, checkpoint_scope, ignore_missing):
    exclusions = [scope.strip() for scope in exclude_scopes.split(",")] if exclude_scopes else []
    variables_to_restore = []
    for var in tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES):
        if not any(var.op.name.startswith(exclusion) for exclusion in exclusions):
            variables_to_restore.append(var)
    if checkpoint_scope is not None:
        variables_to_restore = {
            var.op.name.replace(model_scope, checkpoint_scope): var for var in variables_to_restore
        }
    if ignore_missing:
        reader = tf.train.NewCheckpointReader(checkpoint_path)
        if isinstance(variables_to_restore, dict):
            var_dict = variables_to_restore
        else:
            var_dict = {var.op.name: var for var in variables_to_restore}
        available = {}
        for name in var_dict:
            if reader.has_tensor(name):
                available[name] = var_dict[name]
        variables_to_restore = available
    saver = tf.train.Saver(variables_to_restore, reshape=False)  # expect: BN003

    def callback(scaffold, session):
        saver.restore(session, checkpoint_path)

    return callback


def model_fn(features, labels, mode, params):
    training = mode == tf.estimator.ModeKeys.TRAIN
    logits = tf.layers.dense(backbone(features, training), params["classes"])
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_op = tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss, tf.train.get_global_step())
    init_fn = restore_fn(params["checkpoint"], "logits", "resnet", "resnet_v1_50", True)
    export_saver = tf.train.Saver(tf.global_variables(), max_to_keep=5)
    scaffold = tf.train.Scaffold(init_fn=init_fn, saver=export_saver)
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op, scaffold=scaffold)
