"""MNIST MLP with a hand-rolled batch norm (tf.nn.batch_normalization) and a separate test graph."""
import argparse

import numpy as np
import tensorflow as tf

epsilon = 1e-3


def batch_norm_wrapper(inputs, is_training, decay=0.999):
    scale = tf.Variable(tf.ones([inputs.get_shape()[-1]]))
    beta = tf.Variable(tf.zeros([inputs.get_shape()[-1]]))
    pop_mean = tf.Variable(tf.zeros([inputs.get_shape()[-1]]), trainable=False)
    pop_var = tf.Variable(tf.ones([inputs.get_shape()[-1]]), trainable=False)

    if is_training:
        batch_mean, batch_var = tf.nn.moments(inputs, [0])
        train_mean = tf.assign(pop_mean, pop_mean * decay + batch_mean * (1 - decay))  # expect: BN007
        train_var = tf.assign(pop_var, pop_var * decay + batch_var * (1 - decay))  # expect: BN007
        return tf.nn.batch_normalization(inputs, batch_mean, batch_var, beta, scale, epsilon)
    else:
        return tf.nn.batch_normalization(inputs, pop_mean, pop_var, beta, scale, epsilon)


def build_graph(is_training):
    x = tf.placeholder(tf.float32, shape=[None, 784])
    y_ = tf.placeholder(tf.float32, shape=[None, 10])
    w1 = tf.Variable(np.random.normal(size=(784, 100)).astype(np.float32))
    l1 = tf.nn.sigmoid(batch_norm_wrapper(tf.matmul(x, w1), is_training))
    w2 = tf.Variable(np.random.normal(size=(100, 100)).astype(np.float32))
    l2 = tf.nn.sigmoid(batch_norm_wrapper(tf.matmul(l1, w2), is_training))
    w3 = tf.Variable(np.random.normal(size=(100, 10)).astype(np.float32))
    b3 = tf.Variable(tf.zeros([10]))
    y = tf.nn.softmax(tf.matmul(l2, w3) + b3)
    cross_entropy = -tf.reduce_sum(y_ * tf.log(y))
    train_step = tf.train.GradientDescentOptimizer(0.01).minimize(cross_entropy)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1)), tf.float32))
    return (x, y_), train_step, accuracy, tf.train.Saver()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=40000)
    args = parser.parse_args()
    (images, digits), _ = tf.keras.datasets.mnist.load_data()
    images = images.reshape(-1, 784).astype(np.float32) / 255.0
    onehot = np.eye(10, dtype=np.float32)[digits]

    (x, y_), train_step, accuracy, saver = build_graph(is_training=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(args.iterations):
            batch = np.random.choice(len(images), 60)
            train_step.run(feed_dict={x: images[batch], y_: onehot[batch]})
        saved_model = saver.save(sess, "./temp-bn-save")

    tf.reset_default_graph()
    (x, y_), _, accuracy, saver = build_graph(is_training=False)
    with tf.Session() as sess:
        saver.restore(sess, saved_model)
        print("test accuracy:", sess.run(accuracy, feed_dict={x: images[:2000], y_: onehot[:2000]}))


if __name__ == "__main__":
    main()
