"""A small segmentation network with slim-style BN."""

import tensorflow.compat.v1 as tf


def segmenter(images, num_classes, is_training):
    net = tf.layers.conv2d(images, 32, 3, padding="same")
    net = tf.nn.relu(tf.layers.batch_normalization(net, training=is_training))
    return tf.layers.conv2d(net, num_classes, 1)
