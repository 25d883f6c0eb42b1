"""WGAN-GP on MNIST: the gradient penalty is per sample, so both networks are built without BN."""
import tensorflow as tf

import network

z = tf.placeholder(tf.float32, [None, 100])
real = tf.placeholder(tf.float32, [None, 28, 28, 1])
fake = network.generator(z, is_training=True, use_bn=False)
d_real = network.discriminator(real, is_training=True, use_bn=False)
d_fake = network.discriminator(fake, is_training=True, use_bn=False)
alpha = tf.random_uniform([tf.shape(real)[0], 1, 1, 1])
mixed = real + alpha * (fake - real)
slopes = tf.norm(tf.layers.flatten(tf.gradients(network.discriminator(mixed, True, False), [mixed])[0]), axis=1)
d_loss = tf.reduce_mean(d_fake) - tf.reduce_mean(d_real) + 10.0 * tf.reduce_mean((slopes - 1.0) ** 2)
g_loss = -tf.reduce_mean(d_fake)
t_vars = tf.trainable_variables()
optimizer = tf.train.AdamOptimizer(1e-4, beta1=0.5, beta2=0.9)
d_opt = optimizer.minimize(d_loss, var_list=[v for v in t_vars if v.name.startswith("discriminator")])
g_vars = [v for v in t_vars if v.name.startswith("generator")]
g_opt = optimizer.minimize(g_loss, var_list=g_vars)
saver = tf.train.Saver(var_list=g_vars)  # the generator has no moving statistics to lose

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(10000):
        sess.run(d_opt)
        sess.run(g_opt)
    saver.save(sess, "ckpt/wgan_gp")
