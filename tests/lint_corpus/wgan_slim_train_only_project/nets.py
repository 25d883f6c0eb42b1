"""WGAN networks on contrib layers; BN is left in training mode, as the GAN never leaves training."""
import tensorflow as tf
from tensorflow.contrib import layers


def generator(z):
    with tf.variable_scope("g", reuse=tf.AUTO_REUSE):
        net = layers.fully_connected(z, 4 * 4 * 256, normalizer_fn=layers.batch_norm)
        net = tf.reshape(net, [-1, 4, 4, 256])
        net = layers.conv2d_transpose(net, 128, 5, 2, normalizer_fn=layers.batch_norm)
        net = layers.conv2d_transpose(net, 64, 5, 2, normalizer_fn=layers.batch_norm)
        return layers.conv2d_transpose(net, 3, 5, 2, activation_fn=tf.tanh)


def critic(images):
    with tf.variable_scope("d", reuse=tf.AUTO_REUSE):
        net = layers.conv2d(images, 64, 5, 2, activation_fn=tf.nn.leaky_relu)
        net = layers.conv2d(net, 128, 5, 2, activation_fn=tf.nn.leaky_relu)
        return layers.fully_connected(layers.flatten(net), 1, activation_fn=None)
