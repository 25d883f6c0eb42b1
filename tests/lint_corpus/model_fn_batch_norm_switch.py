"""A model_fn whose config switches BN on and off; each branch builds the train op it needs."""

import tensorflow.compat.v1 as tf


def model_fn(features, labels, mode, params):
    is_training = mode == tf.estimator.ModeKeys.TRAIN
    out = tf.layers.dense(features, 64)
    if params.use_batch_norm:
        out = tf.layers.batch_normalization(out, momentum=0.9, training=is_training)
    logits = tf.layers.dense(tf.nn.relu(out), 10)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    optimizer = tf.train.AdamOptimizer(params.learning_rate)
    step = tf.train.get_or_create_global_step()
    if params.use_batch_norm:
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train_op = optimizer.minimize(loss, global_step=step)
    else:
        train_op = optimizer.minimize(loss, global_step=step)  # no BN in this branch: nothing to update
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)


def model_fn_forgetting_updates(features, labels, mode, params):
    out = tf.layers.batch_normalization(
        tf.layers.dense(features, 64), training=mode == tf.estimator.ModeKeys.TRAIN
    )
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=tf.layers.dense(out, 10))
    if params.use_bn:
        train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)  # expect: BN001
    else:
        train_op = tf.no_op()
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)
