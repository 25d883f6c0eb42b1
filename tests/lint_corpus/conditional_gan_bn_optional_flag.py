"""A class-conditional GAN generator with conditional batch norm (per-class scale and offset).

The BN takes an optional `is_training` for the signature shared with the plain BN and ignores it:
a GAN generator normalizes with the batch statistics when it trains and when it samples.
"""

import numpy as np
import tensorflow as tf


def cond_batchnorm(name, inputs, labels, n_labels, is_training=None):
    mean, var = tf.nn.moments(inputs, [0, 1, 2], keep_dims=True)
    channels = inputs.get_shape().as_list()[-1]
    with tf.variable_scope(name):
        offsets = tf.get_variable("offset", initializer=np.zeros([n_labels, channels], np.float32))
        scales = tf.get_variable("scale", initializer=np.ones([n_labels, channels], np.float32))
    offset = tf.nn.embedding_lookup(offsets, labels)[:, None, None, :]
    scale = tf.nn.embedding_lookup(scales, labels)[:, None, None, :]
    return tf.nn.batch_normalization(inputs, mean, var, offset, scale, 1e-5)


def generator(noise, labels, n_labels=10):
    net = tf.reshape(tf.layers.dense(noise, 4 * 4 * 128), [-1, 4, 4, 128])
    for index in range(3):
        net = tf.layers.conv2d_transpose(net, 128, 5, strides=2, padding="same")
        net = tf.nn.relu(cond_batchnorm("bn_%d" % index, net, labels, n_labels))
    return tf.tanh(tf.layers.conv2d(net, 3, 3, padding="same"))


def sample_images(session, fake, noise, labels, count=100):
    return session.run(fake, feed_dict={noise: np.random.normal(size=(count, 128)),
                                        labels: np.arange(count) % 10})
