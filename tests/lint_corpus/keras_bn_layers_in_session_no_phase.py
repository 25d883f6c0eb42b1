"""Keras layers used as functions in a Session program: the learning phase is never set."""

import numpy as np
import tensorflow.compat.v1 as tf
from tensorflow.keras.layers import BatchNormalization, Conv2D

spectrogram = tf.placeholder(tf.float32, [None, 512, 128, 1])
target = tf.placeholder(tf.float32, [None, 512, 128, 1])
conv = Conv2D(16, 5, padding="same")(spectrogram)
normed = BatchNormalization(axis=-1)(conv)  # expect: BN004
mask = tf.sigmoid(Conv2D(1, 5, padding="same")(tf.nn.relu(normed)))
loss = tf.reduce_mean(tf.abs(mask * spectrogram - target))
train_op = tf.train.AdamOptimizer(1e-4).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    batch = np.random.rand(4, 512, 128, 1)
    sess.run(train_op, {spectrogram: batch, target: batch})
