import tensorflow as tf


def block(x, filters, training):
    shortcut = x
    x = tf.layers.conv2d(x, filters, 3, padding="same", use_bias=False)
    x = tf.nn.relu(tf.layers.batch_normalization(x, training=training, momentum=0.997))
    x = tf.layers.conv2d(x, filters, 3, padding="same", use_bias=False)
    return tf.nn.relu(tf.layers.batch_normalization(x, training=training, momentum=0.997) + shortcut)


def classifier(x, training=True):
    x = tf.layers.conv2d(x, 64, 3, padding="same")
    for _ in range(4):
        x = block(x, 64, training)
    return tf.layers.dense(tf.reduce_mean(x, [1, 2]), 10)
