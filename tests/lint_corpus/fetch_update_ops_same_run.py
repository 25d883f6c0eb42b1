"""Fashion-MNIST MLP with batch norm; the BN updates are fetched in the same sess.run as the step."""
import argparse
import time

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=20)
parser.add_argument("--batch_size", type=int, default=256)
parser.add_argument("--hidden", type=int, default=512)
FLAGS = parser.parse_args()


def dense_bn(x, units, training, name):
    x = tf.layers.dense(x, units, use_bias=False, name=name)
    x = tf.layers.batch_normalization(x, training=training, name=name + "_bn")
    return tf.nn.relu(x)


def batches(x, y, batch_size):
    order = np.random.permutation(len(x))
    for start in range(0, len(x) - batch_size + 1, batch_size):
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]


(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x = train_x.reshape(-1, 784).astype("float32") / 255.0
test_x = test_x.reshape(-1, 784).astype("float32") / 255.0

x = tf.placeholder(tf.float32, [None, 784])
y = tf.placeholder(tf.int32, [None])
training = tf.placeholder_with_default(False, shape=(), name="training")

h = dense_bn(x, FLAGS.hidden, training, "fc1")
h = dense_bn(h, FLAGS.hidden, training, "fc2")
logits = tf.layers.dense(h, 10, name="logits")
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
correct = tf.equal(tf.cast(tf.argmax(logits, 1), tf.int32), y)
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

train_step = tf.train.AdamOptimizer(1e-3).minimize(loss)
extra_update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(FLAGS.epochs):
        start = time.time()
        for batch_x, batch_y in batches(train_x, train_y, FLAGS.batch_size):
            # Fetching the update ops next to the step runs them on every batch.
            sess.run([train_step, extra_update_ops], feed_dict={x: batch_x, y: batch_y, training: True})
        test_acc = sess.run(accuracy, feed_dict={x: test_x, y: test_y})
        print("epoch %d: test accuracy %.4f (%.1fs)" % (epoch, test_acc, time.time() - start))
