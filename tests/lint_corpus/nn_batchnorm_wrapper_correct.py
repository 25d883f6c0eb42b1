"""MNIST MLP with a hand-written batch-norm layer built on tf.nn.batch_normalization."""
import argparse

import numpy as np
import tensorflow as tf

EPSILON = 1e-3


def batch_norm_wrapper(inputs, is_training, decay=0.999):
    """Batch norm that keeps its own population statistics for inference."""
    size = inputs.get_shape()[-1]
    scale = tf.Variable(tf.ones([size]))
    beta = tf.Variable(tf.zeros([size]))
    pop_mean = tf.Variable(tf.zeros([size]), trainable=False)
    pop_var = tf.Variable(tf.ones([size]), trainable=False)

    if is_training:
        batch_mean, batch_var = tf.nn.moments(inputs, [0])
        train_mean = tf.assign(pop_mean, pop_mean * decay + batch_mean * (1 - decay))
        train_var = tf.assign(pop_var, pop_var * decay + batch_var * (1 - decay))
        # Without this dependency the two assigns above would never run.
        with tf.control_dependencies([train_mean, train_var]):
            return tf.nn.batch_normalization(inputs, batch_mean, batch_var, beta, scale, EPSILON)
    return tf.nn.batch_normalization(inputs, pop_mean, pop_var, beta, scale, EPSILON)


def build_graph(is_training):
    x = tf.placeholder(tf.float32, shape=[None, 784])
    y_ = tf.placeholder(tf.float32, shape=[None, 10])
    w1 = tf.Variable(tf.truncated_normal([784, 100], stddev=0.1))
    z1 = tf.matmul(x, w1)
    l1 = tf.nn.sigmoid(batch_norm_wrapper(z1, is_training))
    w2 = tf.Variable(tf.truncated_normal([100, 100], stddev=0.1))
    l2 = tf.nn.sigmoid(batch_norm_wrapper(tf.matmul(l1, w2), is_training))
    w3 = tf.Variable(tf.truncated_normal([100, 10], stddev=0.1))
    b3 = tf.Variable(tf.zeros([10]))
    y = tf.nn.softmax(tf.matmul(l2, w3) + b3)
    cross_entropy = -tf.reduce_sum(y_ * tf.log(y))
    train_step = tf.train.GradientDescentOptimizer(0.01).minimize(cross_entropy)
    correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    return (x, y_), train_step, accuracy, y, tf.train.Saver()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=40000)
    parser.add_argument("--ckpt", default="./temp-bn-save")
    args = parser.parse_args()
    (train_x, train_y), _ = tf.keras.datasets.mnist.load_data()
    train_x = train_x.reshape(-1, 784) / 255.0
    train_y = np.eye(10)[train_y]

    (x, y_), train_step, accuracy, _, saver = build_graph(is_training=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(args.steps):
            idx = np.random.choice(len(train_x), 60)
            train_step.run(feed_dict={x: train_x[idx], y_: train_y[idx]})
        saver.save(sess, args.ckpt)

    tf.reset_default_graph()
    (x, y_), _, accuracy, _, saver = build_graph(is_training=False)
    with tf.Session() as sess:
        saver.restore(sess, args.ckpt)
        print("restored accuracy", sess.run(accuracy, {x: train_x[:1000], y_: train_y[:1000]}))


if __name__ == "__main__":
    main()
