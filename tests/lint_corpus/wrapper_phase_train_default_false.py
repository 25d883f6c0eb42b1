"""Denoising autoencoder script: the conv helper's phase_train defaults to False and no call passes
it, so every BN runs in inference mode while training, with moving statistics that never update."""
import argparse

import numpy as np
import tensorflow as tf


def _conv_bn_relu(x, filters, phase_train=False, name=None):
    with tf.variable_scope(name):
        x = tf.layers.conv2d(x, filters, 3, padding="same", use_bias=False)
        x = tf.layers.batch_normalization(x, training=phase_train)  # expect: BN004
        return tf.nn.relu(x)


def _deconv(x, filters, name):
    return tf.layers.conv2d_transpose(x, filters, 3, strides=2, padding="same", name=name)


def autoencoder(noisy):
    h = _conv_bn_relu(noisy, 32, name="enc1")
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = _conv_bn_relu(h, 64, name="enc2")
    h = _deconv(h, 32, "dec1")
    return tf.layers.conv2d(h, 1, 3, padding="same", activation=tf.nn.sigmoid)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=5000)
    args = parser.parse_args()
    clean = tf.placeholder(tf.float32, [None, 28, 28, 1])
    noisy = clean + tf.random_normal(tf.shape(clean), stddev=0.3)
    loss = tf.reduce_mean(tf.square(autoencoder(noisy) - clean))
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            batch = np.random.rand(64, 28, 28, 1).astype(np.float32)
            sess.run(train_op, feed_dict={clean: batch})


if __name__ == "__main__":
    main()
