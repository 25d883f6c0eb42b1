"""Layer helpers shared by the volume segmentation network."""
import tensorflow as tf


def conv_bn(inputs, filters, scope):
    with tf.variable_scope(scope):
        net = tf.layers.conv3d(inputs, filters, 3, padding='same', use_bias=False)
        net = tf.contrib.layers.batch_norm(net, decay=0.9, updates_collections=None, scope='bn')  # expect: BN004
        return tf.nn.relu(net)


def deconv_bn(inputs, filters, scope):
    with tf.variable_scope(scope):
        net = tf.layers.conv3d_transpose(inputs, filters, 3, strides=2, padding='same')
        net = tf.contrib.layers.batch_norm(net, decay=0.9, updates_collections=None, scope='bn')  # expect: BN004
        return tf.nn.relu(net)
