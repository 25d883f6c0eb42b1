"""Layer helpers of a small U-Net: every batch norm keeps contrib's default is_training=True."""
import tensorflow as tf


def conv_bn(inputs, filters, scope):
    out = tf.contrib.layers.conv2d(inputs, filters, 3, scope=scope + '/conv', activation_fn=None)
    return tf.contrib.layers.batch_norm(out, scope=scope + '/bn', updates_collections=None)  # expect: BN004


def down(inputs, filters, scope):
    return tf.nn.max_pool(conv_bn(inputs, filters, scope), [1, 2, 2, 1], [1, 2, 2, 1], 'SAME')
