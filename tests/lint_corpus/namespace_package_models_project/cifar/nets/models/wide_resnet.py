import tensorflow as tf


def classifier(x, training=True):
    for filters in (160, 320, 640):
        x = tf.layers.conv2d(x, filters, 3, strides=2, padding="same", use_bias=False)
        x = tf.nn.relu(tf.layers.batch_normalization(x, training=training))
    return tf.layers.dense(tf.reduce_mean(x, [1, 2]), 10)
