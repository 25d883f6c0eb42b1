"""Trains the encoder and scores the validation set on the same graph."""

import numpy as np
import tensorflow.compat.v1 as tf

import nnlib.network

images = tf.placeholder(tf.float32, [None, 32, 128, 1])
targets = tf.placeholder(tf.float32, [None])
features = nnlib.network.encoder(images, 32, True)
loss = tf.reduce_mean(tf.square(tf.reduce_mean(features, axis=[1, 2, 3]) - targets))
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    step = tf.train.AdamOptimizer(1e-3).minimize(loss)
sess = tf.Session()
sess.run(tf.global_variables_initializer())


def score(batches):
    total = 0.0
    for batch, answer in batches:
        total += sess.run(loss, feed_dict={images: batch, targets: answer})  # expect: BN006
    return total / len(batches)


for epoch in range(10):
    sess.run(step, feed_dict={images: np.random.rand(8, 32, 128, 1), targets: np.zeros(8)})
    print(epoch, score([(np.random.rand(8, 32, 128, 1), np.zeros(8))]))
