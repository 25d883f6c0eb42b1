"""The encoder: the flag is handed on to the layer helpers, and defaults to training."""

import tensorflow.compat.v1 as tf

import nnlib.ops


def encoder(images, width, bn, train_mode=True):
    net = nnlib.ops.conv("conv1", images, width, batchnorm=bn, is_training=train_mode)
    net = tf.layers.max_pooling2d(net, 2, 2)
    return nnlib.ops.conv("conv2", net, width * 2, batchnorm=bn, is_training=train_mode)
