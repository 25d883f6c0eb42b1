"""The same classifier, with every layer's EMA update grouped into the train op."""
import numpy as np
import tensorflow as tf
from bn_helper import ConvBatchNorm

x = tf.placeholder(tf.float32, [None, 128, 1, 1])
y = tf.placeholder(tf.int64, [None])
training = tf.placeholder(tf.bool, name='training')
averager = tf.train.ExponentialMovingAverage(decay=0.99)

net = x
stat_updates = []
for index, depth in enumerate([16, 32, 64]):
    with tf.variable_scope('conv%d' % index):
        kernel = tf.get_variable('w', [5, 1, net.get_shape()[-1], depth])
        net = tf.nn.conv2d(net, kernel, [1, 1, 1, 1], 'SAME')
        norm = ConvBatchNorm(depth, averager)
        stat_update = norm.get_updater()
        stat_updates.append(stat_update)
        net = tf.nn.relu(norm(net, training))

logits = tf.layers.dense(tf.layers.flatten(net), 5)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
minimize = tf.train.AdamOptimizer(1e-3).minimize(loss)
with tf.control_dependencies([minimize]):
    train_step = tf.group(*stat_updates)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(2000):
        batch = np.random.randn(32, 128, 1, 1)
        labels = np.random.randint(0, 5, 32)
        sess.run(train_step, feed_dict={x: batch, y: labels, training: True})
