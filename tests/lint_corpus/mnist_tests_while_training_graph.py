"""The batch-norm tutorial script: one graph for training, then a fresh one for inference.

While it trains, every 50 steps it scores the test set on the training graph (`is_training=True`):
test batches are normalized with their own statistics.  The final check, on the graph rebuilt
with `is_training=False`, is right.
"""

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)


def build_graph(is_training):
    x = tf.placeholder(tf.float32, shape=[None, 784])
    y_ = tf.placeholder(tf.float32, shape=[None, 10])
    hidden = tf.layers.batch_normalization(tf.layers.dense(x, 100, use_bias=False), training=is_training)
    y = tf.nn.softmax(tf.layers.dense(tf.nn.sigmoid(hidden), 10))
    cross_entropy = -tf.reduce_sum(y_ * tf.log(y))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_step = tf.train.GradientDescentOptimizer(0.01).minimize(cross_entropy)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1)), tf.float32))
    return (x, y_), train_step, accuracy, y, tf.train.Saver()


(x, y_), train_step, accuracy, _, saver = build_graph(is_training=True)
acc = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(10000):
        batch = mnist.train.next_batch(60)
        train_step.run(feed_dict={x: batch[0], y_: batch[1]})
        if i % 50 == 0:
            res = sess.run(fetches=[accuracy], feed_dict={  # expect: BN006
                x: mnist.test.images, y_: mnist.test.labels})
            acc.append(res[0])
    saver.save(sess, "./temp-bn-save")

tf.reset_default_graph()
(x, y_), _, accuracy, y, saver = build_graph(is_training=False)
with tf.Session() as sess:
    saver.restore(sess, "./temp-bn-save")
    test_accuracy = sess.run([accuracy], feed_dict={x: mnist.test.images, y_: mnist.test.labels})
    print("test accuracy", np.mean(test_accuracy), "during training", acc[-1])
