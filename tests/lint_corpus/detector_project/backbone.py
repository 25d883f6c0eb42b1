"""Darknet-style backbone and detection head (tf.layers)."""
import tensorflow as tf


def conv_bn_leaky(x, filters, kernel, training, strides=1, name=None):
    with tf.variable_scope(name, default_name="conv_bn"):
        x = tf.layers.conv2d(x, filters, kernel, strides=strides, padding="same", use_bias=False)
        x = tf.layers.batch_normalization(x, momentum=0.99, epsilon=1e-3, training=training)
        return tf.nn.leaky_relu(x, alpha=0.1)


def darknet(images, training):
    x = conv_bn_leaky(images, 32, 3, training, name="stem")
    for stage, filters in enumerate([64, 128, 256, 512]):
        x = conv_bn_leaky(x, filters, 3, training, strides=2, name="down%d" % stage)
        shortcut = x
        x = conv_bn_leaky(x, filters // 2, 1, training, name="res%d_a" % stage)
        x = conv_bn_leaky(x, filters, 3, training, name="res%d_b" % stage)
        x = x + shortcut
    return x


def detection_head(features, num_anchors, num_classes, training):
    x = conv_bn_leaky(features, 512, 3, training, name="head")
    return tf.layers.conv2d(x, num_anchors * (5 + num_classes), 1, name="predictions")
