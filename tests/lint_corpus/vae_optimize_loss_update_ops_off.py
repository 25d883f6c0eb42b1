"""A VAE whose train ops come from optimize_loss, told to run no update ops."""

import tensorflow.compat.v1 as tf
from tensorflow.contrib import layers
from tensorflow.contrib.framework import arg_scope

images = tf.placeholder(tf.float32, [None, 784])
with arg_scope(
    [layers.fully_connected], normalizer_fn=layers.batch_norm, normalizer_params={"is_training": True}
):
    hidden = layers.fully_connected(images, 256)
    mean = layers.fully_connected(hidden, 16, activation_fn=None, normalizer_fn=None)
    decoded = layers.fully_connected(layers.fully_connected(mean, 256), 784, activation_fn=tf.sigmoid)
loss = tf.reduce_mean(tf.square(decoded - images))
step = tf.train.get_or_create_global_step()
train = layers.optimize_loss(loss, step, 1e-3, "Adam", update_ops=[])  # expect: BN001
sampling = layers.optimize_loss(loss, step, 1e-3, "Adam")  # the default runs UPDATE_OPS
