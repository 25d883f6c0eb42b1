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


def train(steps=5000, batch_size=100):
    mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
    images = tf.placeholder(tf.float32, [None, 784])
    labels = tf.placeholder(tf.float32, [None, 10])
    training = tf.placeholder(tf.bool, name="training")
    logits = tf.layers.dense(tf.nn.relu(batch_norm_layer(tf.layers.dense(images, 100), training, "BN1")), 10)
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1))
    step = tf.train.AdamOptimizer(1e-3).minimize(tf.losses.softmax_cross_entropy(labels, logits))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            batch = mnist.train.next_batch(batch_size)
            sess.run(step, {images: batch[0], labels: batch[1], training: True})
        test = {images: mnist.test.images, labels: mnist.test.labels, training: False}
        return sess.run(tf.reduce_mean(tf.cast(correct, tf.float32)), test)
