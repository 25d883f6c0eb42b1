"""A small DenseNet: the training flag is the third positional parameter of the network."""

import tensorflow.compat.v1 as tf


def bn_relu(inputs, training):
    return tf.nn.relu(tf.layers.batch_normalization(inputs, momentum=0.99, training=training))


def dense_block(inputs, growth, training):
    for _ in range(4):
        layer = tf.layers.conv2d(bn_relu(inputs, training), growth, 3, padding="same")
        inputs = tf.concat([inputs, layer], axis=-1)
    return inputs


def cifar_densenet(images, keep_prob, train=True):
    net = tf.layers.conv2d(images, 24, 3, padding="same")
    net = dense_block(net, 12, train)
    net = tf.nn.dropout(tf.reduce_mean(net, axis=[1, 2]), keep_prob)
    return tf.layers.dense(net, 10)
