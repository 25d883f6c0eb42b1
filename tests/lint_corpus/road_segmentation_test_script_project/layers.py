"""Encoder-decoder blocks; contrib BN is given no mode."""
import tensorflow as tf


def conv_block(x, filters, name):
    with tf.variable_scope(name):
        x = tf.layers.conv2d(x, filters, 3, padding="same", use_bias=False)
        x = tf.contrib.layers.batch_norm(x, scale=True, updates_collections=None)  # expect: BN004
        return tf.nn.relu(x)


def up_block(x, skip, filters, name):
    with tf.variable_scope(name):
        x = tf.layers.conv2d_transpose(x, filters, 2, 2, padding="same")
        return conv_block(tf.concat([x, skip], -1), filters, "conv")
