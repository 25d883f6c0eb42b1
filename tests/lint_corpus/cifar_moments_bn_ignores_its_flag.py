"""A course CIFAR-10 model: the BN is written by hand from the batch moments.

`my_model` takes the `is_training` placeholder but never reads it, so the test accuracy uses the
test batch's statistics too.  The instance norm of the style branch normalizes each image over its
own spatial axes, which does not depend on the batch.
"""

import numpy as np
import tensorflow as tf


def instance_norm(x, data_format="NHWC", epsilon=1e-5):
    if data_format == "NHWC":
        axis = [1, 2]
    else:
        axis = [2, 3]
    mean, var = tf.nn.moments(x, axis, keep_dims=True)
    return tf.nn.batch_normalization(x, mean, var, None, None, epsilon)


def my_model(X, y, is_training):
    w_conv = tf.get_variable("w_conv", shape=[7, 7, 3, 32])
    h1 = tf.nn.relu(tf.nn.conv2d(X, w_conv, strides=[1, 2, 2, 1], padding="VALID"))
    h1_flat = tf.reshape(h1, [-1, 32])
    mean, variance = tf.nn.moments(h1_flat, axes=[0])
    gamma = tf.get_variable("gamma", shape=[32])
    beta = tf.get_variable("beta", shape=[32])
    h2_flat = tf.nn.batch_normalization(h1_flat, mean, variance, beta, gamma, 1e-8)  # expect: BN004
    h2 = instance_norm(tf.reshape(h2_flat, tf.shape(h1)))
    return tf.layers.dense(tf.layers.flatten(h2), 10)


X = tf.placeholder(tf.float32, [None, 32, 32, 3])
y = tf.placeholder(tf.int64, [None])
is_training = tf.placeholder(tf.bool)
y_out = my_model(X, y, is_training)
loss = tf.losses.softmax_cross_entropy(tf.one_hot(y, 10), y_out)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y_out, 1), y), tf.float32))
train_step = tf.train.RMSPropOptimizer(1e-3).minimize(loss)

X_train, y_train = np.load("x_train.npy"), np.load("y_train.npy")
X_test, y_test = np.load("x_test.npy"), np.load("y_test.npy")
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for start in range(0, len(X_train), 64):
        sess.run(train_step, {X: X_train[start:start + 64], y: y_train[start:start + 64], is_training: True})
    print(sess.run(accuracy, {X: X_test, y: y_test, is_training: False}))
