"""Trains the network and reports the accuracy on held-out batches of the same graph."""

import numpy as np
import tensorflow.compat.v1 as tf

import layers

images = tf.placeholder(tf.float32, [None, 32, 32, 3])
labels = tf.placeholder(tf.int64, [None])
keep = tf.placeholder(tf.float32)
logits = layers.cifar_densenet(images, keep, True)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    step = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(100):
        batch = np.random.rand(16, 32, 32, 3)
        sess.run(step, {images: batch, labels: np.zeros(16), keep: 0.8})
        held_out = np.random.rand(16, 32, 32, 3)
        test_accuracy = sess.run(accuracy, {images: held_out, labels: np.zeros(16), keep: 1.0})  # expect: BN006
        print(i, test_accuracy)
    tf.train.Saver().save(sess, "ckpt/densenet")
