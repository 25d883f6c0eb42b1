"""Layer helpers: a convolution with optional batch normalization."""

import tensorflow.compat.v1 as tf


def conv(name, inputs, filters, batchnorm=False, is_training=True):
    with tf.variable_scope(name):
        outputs = tf.layers.conv2d(inputs, filters, 3, padding="same", use_bias=not batchnorm)
        if batchnorm:
            outputs = tf.layers.batch_normalization(outputs, training=is_training)
        return tf.nn.relu(outputs)
