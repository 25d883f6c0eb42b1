"""ResNet-20 for CIFAR-10 (tf.layers); shared by train.py and evaluate.py."""
import tensorflow as tf

_BN_MOMENTUM = 0.997
_BN_EPSILON = 1e-5


def batch_norm(inputs, is_training):
    return tf.layers.batch_normalization(inputs, momentum=_BN_MOMENTUM, epsilon=_BN_EPSILON,
                                         center=True, scale=True, training=is_training, fused=True)


def building_block(inputs, filters, is_training, strides):
    shortcut = inputs
    if strides != 1:
        shortcut = tf.layers.conv2d(inputs, filters, 1, strides=strides, padding="same", use_bias=False)
        shortcut = batch_norm(shortcut, is_training)
    x = tf.layers.conv2d(inputs, filters, 3, strides=strides, padding="same", use_bias=False)
    x = tf.nn.relu(batch_norm(x, is_training))
    x = tf.layers.conv2d(x, filters, 3, padding="same", use_bias=False)
    x = batch_norm(x, is_training)
    return tf.nn.relu(x + shortcut)


def inference(images, is_training, num_blocks=3):
    x = tf.layers.conv2d(images, 16, 3, padding="same", use_bias=False)
    x = tf.nn.relu(batch_norm(x, is_training))
    for stage, filters in enumerate([16, 32, 64]):
        for block in range(num_blocks):
            strides = 2 if stage > 0 and block == 0 else 1
            with tf.variable_scope("stage%d_block%d" % (stage, block)):
                x = building_block(x, filters, is_training, strides)
    x = tf.reduce_mean(x, axis=[1, 2])
    return tf.layers.dense(x, 10, name="logits")
