"""MNIST with both BN modes chosen by tf.cond, each built inside its branch function.

Only the branch the switch selects runs, so evaluation runs the inference-mode BN alone and the
in-place updates happen in training steps only.
"""

import tensorflow as tf
from tensorflow.contrib.layers.python.layers import batch_norm
from tensorflow.examples.tutorials.mnist import input_data


def batch_norm_layer(x, phase_train, scope_bn):
    return tf.cond(
        phase_train,
        lambda: batch_norm(x, decay=0.999, scale=True, updates_collections=None, is_training=True,
                           reuse=None, scope=scope_bn),
        lambda: batch_norm(x, decay=0.999, scale=True, updates_collections=None, is_training=False,
                           reuse=True, scope=scope_bn),
    )


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
