"""DCGAN generator/discriminator in TF 1.x; the norm layers use batch statistics only."""
import argparse

import numpy as np
import tensorflow as tf


def batch_stat_norm(x, name, axes=(0, 1, 2)):
    """Normalize with the current batch statistics; the GAN never runs in inference mode,
    so no population statistics are kept and nothing has to be updated or saved."""
    with tf.variable_scope(name):
        depth = x.get_shape()[-1]
        offset = tf.get_variable("offset", [depth], initializer=tf.zeros_initializer())
        scale = tf.get_variable("scale", [depth], initializer=tf.ones_initializer())
        mean, variance = tf.nn.moments(x, list(axes), keep_dims=True)
        return tf.nn.batch_normalization(x, mean, variance, offset, scale, 1e-5)


def generator(z):
    with tf.variable_scope("generator"):
        net = tf.layers.dense(z, 4 * 4 * 256)
        net = tf.reshape(net, [-1, 4, 4, 256])
        for i, filters in enumerate([128, 64, 32]):
            net = tf.layers.conv2d_transpose(net, filters, 5, strides=2, padding="same", name="deconv%d" % i)
            net = tf.nn.relu(batch_stat_norm(net, "g_norm%d" % i))
        return tf.tanh(tf.layers.conv2d(net, 3, 5, padding="same"))


def discriminator(images, reuse=False):
    with tf.variable_scope("discriminator", reuse=reuse):
        net = images
        for i, filters in enumerate([64, 128, 256]):
            net = tf.layers.conv2d(net, filters, 5, strides=2, padding="same", name="conv%d" % i)
            net = tf.nn.leaky_relu(batch_stat_norm(net, "d_norm%d" % i))
        return tf.layers.dense(tf.layers.flatten(net), 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=100000)
    parser.add_argument("--z_dim", type=int, default=100)
    args = parser.parse_args()
    (faces, _), _ = tf.keras.datasets.cifar10.load_data()
    faces = faces.astype(np.float32) / 127.5 - 1.0

    z = tf.placeholder(tf.float32, [None, args.z_dim])
    real = tf.placeholder(tf.float32, [None, 32, 32, 3])
    fake = generator(z)
    d_real, d_fake = discriminator(real), discriminator(fake, reuse=True)
    d_loss = tf.reduce_mean(tf.nn.softplus(-d_real) + tf.nn.softplus(d_fake))
    g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
    d_vars = [v for v in tf.trainable_variables() if v.name.startswith("discriminator")]
    g_vars = [v for v in tf.trainable_variables() if v.name.startswith("generator")]
    d_step = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(d_loss, var_list=d_vars)
    g_step = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(g_loss, var_list=g_vars)
    saver = tf.train.Saver(tf.trainable_variables())

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for it in range(args.iterations):
            batch = faces[np.random.randint(0, len(faces), 64)]
            noise = np.random.uniform(-1, 1, [64, args.z_dim])
            sess.run(d_step, {z: noise, real: batch})
            sess.run(g_step, {z: noise})
            if it % 10000 == 0:
                saver.save(sess, "dcgan/model.ckpt", global_step=it)


if __name__ == "__main__":
    main()
