"""Time-series classifier: three conv layers with the helper's BN; the EMA updates are dropped."""
import numpy as np
import tensorflow as tf
from bn_helper import ConvBatchNorm

x = tf.placeholder(tf.float32, [None, 128, 1, 1])
y = tf.placeholder(tf.int64, [None])
training = tf.placeholder(tf.bool, name='training')
averager = tf.train.ExponentialMovingAverage(decay=0.99)

net = x
for index, depth in enumerate([16, 32, 64]):
    with tf.variable_scope('conv%d' % index):
        kernel = tf.get_variable('w', [5, 1, net.get_shape()[-1], depth])
        net = tf.nn.conv2d(net, kernel, [1, 1, 1, 1], 'SAME')
        norm = ConvBatchNorm(depth, averager)
        stat_update = norm.get_updater()  # expect: BN007
        net = tf.nn.relu(norm(net, training))

logits = tf.layers.dense(tf.layers.flatten(net), 5)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
optimizer = tf.train.AdamOptimizer(1e-3)
grads = tf.gradients(loss, tf.trainable_variables())
train_step = optimizer.apply_gradients(zip(grads, tf.trainable_variables()))
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(2000):
        batch = np.random.randn(32, 128, 1, 1)
        labels = np.random.randint(0, 5, 32)
        sess.run(train_step, feed_dict={x: batch, y: labels, training: True})
        if step % 200 == 0:
            print(sess.run(accuracy, feed_dict={x: batch, y: labels, training: False}))
