"""Segmentation backbone blocks: a Keras Conv+BN layer class (kept for export), and the tf.layers path."""
import tensorflow as tf


class ConvBN(tf.keras.layers.Layer):
    def __init__(self, filters, kernel_size, momentum=0.997):
        super(ConvBN, self).__init__()
        self.conv = tf.keras.layers.Conv2D(filters, kernel_size, padding="same", use_bias=False)
        self.bn = tf.keras.layers.BatchNormalization(momentum=momentum)

    def call(self, inputs, training=True):
        return tf.nn.relu6(self.bn(self.conv(inputs), training=training))


def conv_bn(net, filters, kernel_size, is_training, scope):
    with tf.variable_scope(scope):
        net = tf.layers.conv2d(net, filters, kernel_size, padding="same", use_bias=False)
        # Keras layers keep their updates to themselves: the graph path uses tf.layers
        net = tf.layers.batch_normalization(net, momentum=0.997, training=is_training)
        return tf.nn.relu6(net)


def backbone(images, is_training):
    net = conv_bn(images, 32, 3, is_training, "conv1")
    for index, filters in enumerate((64, 128, 256)):
        net = conv_bn(net, filters, 3, is_training, "block%d" % index)
    return tf.layers.conv2d(net, 21, 1)
