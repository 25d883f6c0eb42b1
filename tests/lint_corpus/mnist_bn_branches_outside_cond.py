"""MNIST with the batch-norm layer of a widely shared answer: both modes built, then chosen by tf.cond.

`bn_train` (in-place updates) and `bn_inference` are built before the cond, so both are computed on
every run: each test-accuracy run also runs the training-mode BN and folds the test batch into the
moving statistics that `bn_inference` reads.
"""

import tensorflow as tf
from tensorflow.contrib.layers.python.layers import batch_norm
from tensorflow.examples.tutorials.mnist import input_data


def batch_norm_layer(x, phase_train, scope_bn, trainable=True):
    bn_train = batch_norm(x, decay=0.999, center=True, scale=True, updates_collections=None,
                          is_training=True, reuse=None, trainable=trainable, scope=scope_bn)
    bn_inference = batch_norm(x, decay=0.999, center=True, scale=True, updates_collections=None,
                              is_training=False, reuse=True, trainable=trainable, scope=scope_bn)
    z = tf.cond(phase_train, lambda: bn_train, lambda: bn_inference)  # expect: BN012
    return z


mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])
phase_train = tf.placeholder(tf.bool, name="phase_train")
hidden = tf.nn.relu(batch_norm_layer(tf.layers.dense(x, 100), phase_train, scope_bn="BN1"))
logits = tf.layers.dense(hidden, 10)
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1)), tf.float32))
train_step = tf.train.AdamOptimizer(1e-3).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(5000):
        batch_xs, batch_ys = mnist.train.next_batch(100)
        sess.run(train_step, feed_dict={x: batch_xs, y_: batch_ys, phase_train: True})
        if i % 100 == 0:
            print(i, sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels,
                                                   phase_train: False}))
