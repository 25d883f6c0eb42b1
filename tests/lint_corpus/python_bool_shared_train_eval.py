"""MNIST MLP with BN: the mode is a Python bool fixed when the graph is built, and the same graph
serves training and the test-set evaluation, which therefore normalizes with batch statistics."""
import numpy as np
import tensorflow as tf


def dense_bn(x, units, is_training, name):
    with tf.variable_scope(name):
        h = tf.layers.dense(x, units, use_bias=False)
        h = tf.layers.batch_normalization(h, training=is_training)
        return tf.nn.relu(h)


def build(images, labels, is_training):
    h = dense_bn(images, 256, is_training, "fc1")
    h = dense_bn(h, 256, is_training, "fc2")
    logits = tf.layers.dense(h, 10)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
    return loss, accuracy


images = tf.placeholder(tf.float32, [None, 784])
labels = tf.placeholder(tf.int64, [None])
loss, accuracy = build(images, labels, True)
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)


def train(sess, data, steps):
    for _ in range(steps):
        batch_images, batch_labels = data.train.next_batch(100)
        sess.run(train_op, feed_dict={images: batch_images, labels: batch_labels})


def evaluate(sess, data):
    scores = [sess.run(accuracy, feed_dict={images: x, labels: y})  # expect: BN006
              for x, y in zip(np.array_split(data.test.images, 10), np.array_split(data.test.labels, 10))]
    return float(np.mean(scores))
