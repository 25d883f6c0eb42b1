"""MNIST convnet with batch norm; test accuracy collapses when evaluated with training=False."""
import argparse
import os

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

parser = argparse.ArgumentParser()
parser.add_argument("--data_dir", default="/tmp/mnist_data")
parser.add_argument("--log_dir", default="/tmp/mnist_logs")
parser.add_argument("--max_steps", type=int, default=10000)
parser.add_argument("--learning_rate", type=float, default=1e-3)
FLAGS = parser.parse_args()


def conv_net(x, is_training):
    x = tf.reshape(x, [-1, 28, 28, 1])
    conv1 = tf.layers.conv2d(x, 32, 5, activation=None, padding="same")
    conv1 = tf.layers.batch_normalization(conv1, training=is_training)
    conv1 = tf.layers.max_pooling2d(tf.nn.relu(conv1), 2, 2)
    conv2 = tf.layers.conv2d(conv1, 64, 3, activation=None, padding="same")
    conv2 = tf.layers.batch_normalization(conv2, training=is_training)
    conv2 = tf.layers.max_pooling2d(tf.nn.relu(conv2), 2, 2)
    fc1 = tf.layers.dense(tf.layers.flatten(conv2), 1024, activation=tf.nn.relu)
    return tf.layers.dense(fc1, 10)


def main():
    mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=False)
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.int64, [None])
    is_training = tf.placeholder(tf.bool)

    logits = conv_net(x, is_training)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    tf.summary.scalar("loss", loss)
    tf.summary.scalar("accuracy", accuracy)
    merged = tf.summary.merge_all()

    optimizer = tf.train.AdamOptimizer(learning_rate=FLAGS.learning_rate)
    train_op = optimizer.minimize(loss)  # expect: BN001
    saver = tf.train.Saver(tf.trainable_variables())  # expect: BN003

    with tf.Session() as sess:
        writer = tf.summary.FileWriter(FLAGS.log_dir, sess.graph)
        sess.run(tf.global_variables_initializer())
        for step in range(FLAGS.max_steps):
            batch_x, batch_y = mnist.train.next_batch(100)
            summary, _ = sess.run([merged, train_op], {x: batch_x, y: batch_y, is_training: True})
            writer.add_summary(summary, step)
            if step % 1000 == 0:
                acc = sess.run(accuracy, {x: mnist.test.images, y: mnist.test.labels, is_training: False})
                print("step %d, test accuracy %g" % (step, acc))
                saver.save(sess, os.path.join(FLAGS.log_dir, "model.ckpt"), step)


if __name__ == "__main__":
    main()
