"""Low-level building blocks shared by the models in this repository."""
import tensorflow as tf


def conv2d(x, filters, kernel=3, stride=1, name="conv"):
    with tf.variable_scope(name):
        w = tf.get_variable("w", [kernel, kernel, x.get_shape()[-1], filters],
                            initializer=tf.variance_scaling_initializer())
        return tf.nn.conv2d(x, w, [1, stride, stride, 1], padding="SAME")


def batch_norm(x, is_training, name="bn"):
    return tf.contrib.layers.batch_norm(x, decay=0.9, epsilon=1e-5, scale=True,
                                        is_training=is_training, scope=name)


def lrelu(x, leak=0.2):
    return tf.maximum(x, leak * x)
