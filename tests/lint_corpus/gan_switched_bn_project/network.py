"""Generator and discriminator shared by every GAN of the project; WGAN-GP turns BN off."""
import tensorflow as tf


def generator(z, is_training=True, use_bn=True):
    with tf.variable_scope("generator", reuse=tf.AUTO_REUSE):
        net = tf.layers.dense(z, 7 * 7 * 128)
        if use_bn:
            net = tf.layers.batch_normalization(net, training=is_training)
        net = tf.reshape(tf.nn.relu(net), [-1, 7, 7, 128])
        net = tf.layers.conv2d_transpose(net, 64, 4, 2, padding="same")
        if use_bn:
            net = tf.layers.batch_normalization(net, training=is_training)
        net = tf.nn.relu(net)
        return tf.tanh(tf.layers.conv2d_transpose(net, 1, 4, 2, padding="same"))


def discriminator(x, is_training=True, use_bn=True):
    with tf.variable_scope("discriminator", reuse=tf.AUTO_REUSE):
        net = tf.nn.leaky_relu(tf.layers.conv2d(x, 64, 4, 2, padding="same"))
        net = tf.layers.conv2d(net, 128, 4, 2, padding="same")
        if use_bn:
            net = tf.layers.batch_normalization(net, training=is_training)
        net = tf.nn.leaky_relu(net)
        return tf.layers.dense(tf.layers.flatten(net), 1)
