"""Shared layers: conv + batch norm + ReLU."""
import tensorflow.compat.v1 as tf


def conv_bn_relu(net, filters, training, name):
    net = tf.layers.conv2d(net, filters, 3, padding="same", use_bias=False, name=name + "_conv")
    net = tf.layers.batch_normalization(net, training=training, name=name + "_bn")
    return tf.nn.relu(net)
