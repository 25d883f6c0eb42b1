"""Layer helpers of a VAE-GAN: contrib batch norm with in-place updates, and no mode switch."""
import tensorflow as tf
from tensorflow.contrib.layers.python.layers import batch_norm


def batch_normal(inputs, scope="scope", reuse=False):
    return batch_norm(inputs, epsilon=1e-5, decay=0.9, scale=True, scope=scope, reuse=reuse,  # expect: BN004
                      updates_collections=None)


def conv2d(inputs, filters, name):
    return tf.layers.conv2d(inputs, filters, 5, strides=2, padding="same", name=name)


def de_conv(inputs, filters, name):
    return tf.layers.conv2d_transpose(inputs, filters, 5, strides=2, padding="same", name=name)


def lrelu(x, alpha=0.2):
    return tf.maximum(x, alpha * x)
