"""Trains the WGAN and writes image grids from the training graph's own samples."""
import numpy as np
import tensorflow as tf

from nets import critic, generator

z = tf.random_normal([64, 128])
real = tf.placeholder(tf.float32, [64, 32, 32, 3])
fake = generator(z)
d_loss = tf.reduce_mean(critic(fake)) - tf.reduce_mean(critic(real))
g_loss = -tf.reduce_mean(critic(fake))
t_vars = tf.trainable_variables()
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(update_ops):
    g_step = tf.train.RMSPropOptimizer(5e-5).minimize(g_loss, var_list=[v for v in t_vars if v.name.startswith("g/")])
    d_step = tf.train.RMSPropOptimizer(5e-5).minimize(d_loss, var_list=[v for v in t_vars if v.name.startswith("d/")])
clip = [v.assign(tf.clip_by_value(v, -0.01, 0.01)) for v in t_vars if v.name.startswith("d/")]

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(100000):
        for _ in range(5):
            sess.run([d_step, clip], {real: np.random.rand(64, 32, 32, 3)})
        _, grid = sess.run([g_step, fake])
        if step % 1000 == 0:
            np.save("samples/%06d.npy" % step, grid)
