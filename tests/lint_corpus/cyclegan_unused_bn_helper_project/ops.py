"""Layer helpers shared by the generators and discriminators; the networks use instance norm.

`batch_norm` is kept from an earlier version and nothing calls it: its missing `is_training`
changes no graph.
"""

import tensorflow as tf
import tensorflow.contrib.slim as slim


def batch_norm(x, name="batch_norm"):
    return tf.contrib.layers.batch_norm(x, decay=0.9, updates_collections=None, epsilon=1e-5, scale=True,
                                        scope=name)


def instance_norm(inputs, name="instance_norm"):
    with tf.variable_scope(name):
        depth = inputs.get_shape()[3]
        scale = tf.get_variable("scale", [depth], initializer=tf.random_normal_initializer(1.0, 0.02))
        offset = tf.get_variable("offset", [depth], initializer=tf.constant_initializer(0.0))
        mean, variance = tf.nn.moments(inputs, axes=[1, 2], keep_dims=True)
        return scale * (inputs - mean) * tf.rsqrt(variance + 1e-5) + offset


def conv2d(inputs, filters, size=4, stride=2, name="conv2d"):
    return tf.layers.conv2d(inputs, filters, size, stride, padding="same", name=name)
