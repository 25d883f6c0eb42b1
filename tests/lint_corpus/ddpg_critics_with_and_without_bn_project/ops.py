"""Layer helpers shared by the networks with and without batch norm."""
import tensorflow as tf


def dense(inputs, size, activation=None, scope="dense"):
    with tf.variable_scope(scope):
        return tf.layers.dense(inputs, size, activation=activation)


def batchnorm(inputs, is_training, momentum=0.9, scope="batch_norm"):
    with tf.variable_scope(scope):
        return tf.layers.batch_normalization(inputs, momentum=momentum, training=is_training)


def relu(inputs, scope="relu"):
    return tf.nn.relu(inputs, name=scope)
