"""Conditional DCGAN in TF 1.x: each network's optimizer waits for that network's own BN updates."""
import argparse

import numpy as np
import tensorflow as tf


def generator(z, labels, training):
    with tf.variable_scope("generator"):
        net = tf.layers.dense(tf.concat([z, labels], 1), 7 * 7 * 128, use_bias=False)
        net = tf.nn.relu(tf.layers.batch_normalization(net, training=training))
        net = tf.reshape(net, [-1, 7, 7, 128])
        net = tf.layers.conv2d_transpose(net, 64, 4, strides=2, padding="same", use_bias=False)
        net = tf.nn.relu(tf.layers.batch_normalization(net, training=training))
        return tf.layers.conv2d_transpose(net, 1, 4, strides=2, padding="same", activation=tf.tanh)


def discriminator(images, labels, training, reuse=False):
    with tf.variable_scope("discriminator", reuse=reuse):
        net = tf.layers.conv2d(images, 64, 4, strides=2, padding="same")
        net = tf.nn.leaky_relu(net)
        net = tf.layers.conv2d(net, 128, 4, strides=2, padding="same", use_bias=False)
        net = tf.nn.leaky_relu(tf.layers.batch_normalization(net, training=training))
        net = tf.concat([tf.layers.flatten(net), labels], 1)
        return tf.layers.dense(net, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--z_dim", type=int, default=64)
    args = parser.parse_args()
    (x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
    x_train = x_train[..., None].astype(np.float32) / 127.5 - 1.0
    y_onehot = np.eye(10, dtype=np.float32)[y_train]

    z = tf.placeholder(tf.float32, [None, args.z_dim])
    images = tf.placeholder(tf.float32, [None, 28, 28, 1])
    labels = tf.placeholder(tf.float32, [None, 10])
    fake = generator(z, labels, training=True)
    d_real = discriminator(images, labels, training=True)
    d_fake = discriminator(fake, labels, training=True, reuse=True)
    bce = tf.nn.sigmoid_cross_entropy_with_logits
    d_loss = tf.reduce_mean(bce(labels=tf.ones_like(d_real), logits=d_real) +
                            bce(labels=tf.zeros_like(d_fake), logits=d_fake))
    g_loss = tf.reduce_mean(bce(labels=tf.ones_like(d_fake), logits=d_fake))

    d_updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS, scope="discriminator")
    g_updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS, scope="generator")
    with tf.control_dependencies(d_updates):
        d_train = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(
            d_loss, var_list=tf.trainable_variables("discriminator"))
    with tf.control_dependencies(g_updates):
        g_train = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(
            g_loss, var_list=tf.trainable_variables("generator"))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            idx = np.random.randint(0, len(x_train), 64)
            noise = np.random.normal(size=(64, args.z_dim))
            feed = {z: noise, images: x_train[idx], labels: y_onehot[idx]}
            sess.run(d_train, feed)
            sess.run(g_train, feed)


if __name__ == "__main__":
    main()
