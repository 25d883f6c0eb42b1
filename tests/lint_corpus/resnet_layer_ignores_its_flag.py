"""Layer objects whose output method takes a training flag and ignores it."""

import tensorflow.compat.v1 as tf


class ConvLayer(object):
    def __init__(self, filters, name):
        self.conv = tf.layers.Conv2D(filters, 3, padding="same", name=name + "_conv")
        self.bn = tf.layers.BatchNormalization(momentum=0.9, name=name + "_bn")

    def get_output(self, inputs, is_training=True):
        hidden = self.conv(inputs)
        hidden = self.bn(hidden, training=tf.constant(True))  # expect: BN004
        return tf.nn.relu(hidden)


class DenseLayer(object):
    def __init__(self, units, name):
        self.dense = tf.layers.Dense(units, name=name + "_dense")
        self.bn = tf.layers.BatchNormalization(name=name + "_bn")

    def get_output(self, inputs, is_training=True):
        return tf.nn.relu(self.bn(self.dense(inputs), training=is_training))


def prenet(inputs, is_training):
    # a near miss: dropout kept on at test time on purpose takes no BN flag
    return tf.layers.dropout(tf.layers.dense(inputs, 64), rate=0.5, training=True)


images = tf.placeholder(tf.float32, [None, 32, 32, 3])
is_training = tf.placeholder(tf.bool)
features = tf.layers.flatten(ConvLayer(16, "conv1").get_output(images, is_training))
logits = DenseLayer(10, "fc").get_output(prenet(features, is_training), is_training)
