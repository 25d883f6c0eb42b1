"""Digit classifier that feeds its mode placeholder to the helper: the `if` inside never sees it."""
import numpy as np
import tensorflow as tf
from norm_layer import BatchNorm

images = tf.placeholder(tf.float32, [None, 28, 28, 1])
labels = tf.placeholder(tf.int64, [None])
phase_train = tf.placeholder(tf.bool, name='phase_train')

net = images
for index, depth in enumerate([16, 32]):
    kernel = tf.Variable(tf.truncated_normal([3, 3, int(net.get_shape()[-1]), depth], stddev=0.1))
    net = tf.nn.conv2d(net, kernel, [1, 2, 2, 1], 'SAME')
    net = tf.nn.relu(BatchNorm(depth).normalize(net, train=phase_train))  # expect: BN004
logits = tf.layers.dense(tf.reduce_mean(net, [1, 2]), 10)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
train_step = tf.train.AdamOptimizer(1e-3).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(500):
        batch, targets = np.random.rand(32, 28, 28, 1), np.random.randint(0, 10, 32)
        sess.run(train_step, feed_dict={images: batch, labels: targets, phase_train: True})
    print(sess.run(accuracy, feed_dict={images: batch, labels: targets, phase_train: False}))
