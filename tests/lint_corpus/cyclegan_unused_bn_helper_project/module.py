"""Generator and discriminator of the CycleGAN, built from ops' helpers."""

import tensorflow as tf

from ops import *


def discriminator(image, reuse=False, name="discriminator"):
    with tf.variable_scope(name, reuse=reuse):
        h0 = tf.nn.leaky_relu(conv2d(image, 64, name="d_h0_conv"))
        h1 = tf.nn.leaky_relu(instance_norm(conv2d(h0, 128, name="d_h1_conv"), "d_bn1"))
        return conv2d(h1, 1, stride=1, name="d_h2_pred")


def generator(image, reuse=False, name="generator"):
    with tf.variable_scope(name, reuse=reuse):
        c1 = tf.nn.relu(instance_norm(conv2d(image, 32, 7, 1, name="g_e1_c"), "g_e1_bn"))
        c2 = tf.nn.relu(instance_norm(conv2d(c1, 64, 3, 2, name="g_e2_c"), "g_e2_bn"))
        up = tf.layers.conv2d_transpose(c2, 32, 3, 2, padding="same")
        return tf.nn.tanh(conv2d(up, 3, 7, 1, name="g_pred_c"))
