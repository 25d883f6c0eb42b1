"""A GAN trained with its updates, then inverted: a second optimizer searches the latent code."""

import numpy as np
import tensorflow.compat.v1 as tf

noise = tf.placeholder(tf.float32, [None, 64])
is_training = tf.placeholder(tf.bool)


def generator(z, training, reuse=False):
    with tf.variable_scope("generator", reuse=reuse):
        hidden = tf.layers.dense(z, 256)
        hidden = tf.nn.relu(tf.layers.batch_normalization(hidden, training=training))
        return tf.layers.dense(hidden, 784, activation=tf.tanh)


fake = generator(noise, is_training)
loss = tf.reduce_mean(tf.square(fake))
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS, scope="generator")):
    train_gen = tf.train.AdamOptimizer(2e-4).minimize(loss)

# inversion: find the code of one image; the generator is fixed and runs in inference mode
target = tf.placeholder(tf.float32, [1, 784])
z_optim = tf.get_variable("z_optim", [1, 64], initializer=tf.random_normal_initializer())
rebuilt = generator(z_optim, False, reuse=True)
invert = tf.train.AdamOptimizer(1e-2).minimize(tf.reduce_mean(tf.square(rebuilt - target)), var_list=[z_optim])

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train_gen, {noise: np.random.rand(8, 64), is_training: True})
    for _ in range(100):
        sess.run(invert, {target: np.zeros([1, 784])})
