"""A small U-Net for road masks."""
import tensorflow as tf

from layers import conv_block, up_block


def unet(images, classes=2):
    c1 = conv_block(images, 32, "c1")
    c2 = conv_block(tf.layers.max_pooling2d(c1, 2, 2), 64, "c2")
    c3 = conv_block(tf.layers.max_pooling2d(c2, 2, 2), 128, "c3")
    u2 = up_block(c3, c2, 64, "u2")
    u1 = up_block(u2, c1, 32, "u1")
    return tf.layers.conv2d(u1, classes, 1)
