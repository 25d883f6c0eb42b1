"""Inception-style blocks for Python 2, on contrib layers imported by their module path."""
import tensorflow as tf
from tensorflow.contrib.layers.python import layers as tf_layers


def conv_bn(net, filters, is_training, scope):
    with tf.variable_scope(scope):
        net = tf_layers.conv2d(net, filters, 3, activation_fn=None)
        net = tf_layers.batch_norm(net, is_training=is_training, decay=0.99, scale=True)
        return tf.nn.relu(net)


def build_model(images, num_classes, is_training):
    print 'building the model for', images.get_shape()
    net = conv_bn(images, 64, is_training, 'block1')
    net = conv_bn(net, 128, is_training, 'block2')
    net = tf.reduce_mean(net, [1, 2])
    return tf_layers.fully_connected(net, num_classes, activation_fn=None)
