import tensorflow as tf


def batch_norm(x, is_train=True, name='bn'):
    return tf.layers.batch_normalization(x, momentum=0.9, epsilon=1e-5, training=is_train, name=name)


def pixel_norm(x, eps=1e-8):
    return x * tf.rsqrt(tf.reduce_mean(tf.square(x), axis=-1, keepdims=True) + eps)


def conv2d(x, filters, name):
    return tf.layers.conv2d(x, filters, 4, 2, padding='same', name=name)
