"""A small Inception-style classifier in slim; BN gets its mode from the model function's flag."""

import tensorflow as tf

slim = tf.contrib.slim


def net_arg_scope(weight_decay=4e-5):
    with slim.arg_scope([slim.conv2d], weights_regularizer=slim.l2_regularizer(weight_decay),
                        normalizer_fn=slim.batch_norm) as scope:
        return scope


def classifier(inputs, num_classes=20, is_training=True, scope="Classifier"):
    with tf.variable_scope(scope):
        with slim.arg_scope([slim.batch_norm, slim.dropout], is_training=is_training):
            net = slim.conv2d(inputs, 32, 3, stride=2)
            net = slim.conv2d(net, 64, 3)
            net = slim.max_pool2d(net, 3, stride=2)
            net = slim.conv2d(net, 128, 3)
            net = tf.reduce_mean(net, [1, 2])
            net = slim.dropout(net, 0.8)
            return slim.fully_connected(net, num_classes, activation_fn=None, normalizer_fn=None)
