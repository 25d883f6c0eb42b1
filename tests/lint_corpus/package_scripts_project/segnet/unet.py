"""A small U-Net, built from the package's own layers through a relative import."""
import tensorflow.compat.v1 as tf

from .layers import conv_bn_relu


def unet(images, num_classes, training):
    skips = []
    net = images
    for depth, filters in enumerate((32, 64, 128)):
        net = conv_bn_relu(net, filters, training, "down%d" % depth)
        skips.append(net)
        net = tf.layers.max_pooling2d(net, 2, 2)
    for depth, filters in reversed(list(enumerate((32, 64, 128)))):
        net = tf.layers.conv2d_transpose(net, filters, 2, strides=2, padding="same")
        net = conv_bn_relu(tf.concat([net, skips[depth]], -1), filters, training, "up%d" % depth)
    return tf.layers.conv2d(net, num_classes, 1)
