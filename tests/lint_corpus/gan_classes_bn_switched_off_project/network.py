"""Generator and discriminator shared by the GAN variants; BN is optional."""
import tensorflow as tf


def generator(z, is_training, use_bn=True):
    with tf.variable_scope("generator", reuse=tf.AUTO_REUSE):
        net = tf.layers.dense(z, 7 * 7 * 128)
        if use_bn:
            net = tf.layers.batch_normalization(net, training=is_training)
        net = tf.reshape(tf.nn.relu(net), [-1, 7, 7, 128])
        return tf.layers.conv2d_transpose(net, 1, 5, strides=4, padding="same", activation=tf.tanh)


def discriminator(x, is_training, use_bn=True):
    with tf.variable_scope("discriminator", reuse=tf.AUTO_REUSE):
        net = tf.layers.conv2d(x, 64, 5, strides=2, padding="same")
        if use_bn:
            net = tf.layers.batch_normalization(net, training=is_training)
        return tf.layers.dense(tf.layers.flatten(tf.nn.leaky_relu(net)), 1)
