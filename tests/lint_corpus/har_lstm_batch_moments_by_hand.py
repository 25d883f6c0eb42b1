"""Activity recognition: stacked LSTMs with a hand-written batch norm between the layers.

`is_train` switches dropout only; the batch norm always divides by the current batch's moments, so
the test-set accuracy depends on how many windows are scored together.  The feature-axis
normalization of the input is a layer norm and does not depend on the batch.
"""

import numpy as np
import tensorflow as tf


def bn_features(x):
    mean, variance = tf.nn.moments(x, axes=[-1], keep_dims=True)
    return (x - mean) / tf.sqrt(variance + 1e-5)


def batch_norm(tensor, index):
    with tf.variable_scope("batch_norm") as scope:
        if index != 0:
            scope.reuse_variables()
        axes = list(range(len(tensor.get_shape())))
        mean, variance = tf.nn.moments(tensor, axes=axes)  # expect: BN004
        normed = (tensor - mean) / tf.sqrt(variance + 0.001)
        normed *= tf.get_variable("scale", initializer=tf.ones([1]))
        return normed + tf.get_variable("offset", initializer=tf.zeros([1]))


def network(windows, keep_prob):
    steps = tf.unstack(bn_features(windows), axis=1)
    for level in range(2):
        with tf.variable_scope("lstm_%d" % level):
            cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.LSTMCell(64), output_keep_prob=keep_prob)
            steps, _ = tf.nn.static_rnn(cell, steps, dtype=tf.float32)
            steps = [batch_norm(step, i) for i, step in enumerate(steps)]
    return tf.layers.dense(steps[-1], 6)


X = tf.placeholder(tf.float32, [None, 128, 9])
Y = tf.placeholder(tf.float32, [None, 6])
is_train = tf.placeholder(tf.bool, name="is_train")
keep_prob = tf.cond(is_train, lambda: tf.constant(0.85), lambda: tf.constant(1.0))
logits = network(X, keep_prob)
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=Y, logits=logits))
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1)), tf.float32))
optimize = tf.train.AdamOptimizer(0.005).minimize(loss)

X_train, y_train = np.load("train_x.npy"), np.load("train_y.npy")
X_test, y_test = np.load("test_x.npy"), np.load("test_y.npy")
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(100):
        for start in range(0, len(X_train), 100):
            sess.run(optimize, feed_dict={X: X_train[start:start + 100], Y: y_train[start:start + 100],
                                          is_train: True})
        test_accuracy = sess.run(accuracy, feed_dict={X: X_test, Y: y_test, is_train: False})
        print(epoch, test_accuracy)
