"""DCGAN on MNIST: the same networks with their BN on."""
import tensorflow as tf

import network

z = tf.placeholder(tf.float32, [None, 100])
real = tf.placeholder(tf.float32, [None, 28, 28, 1])
fake = network.generator(z)
d_real = network.discriminator(real)
d_fake = network.discriminator(fake)
bce = tf.nn.sigmoid_cross_entropy_with_logits
d_loss = tf.reduce_mean(bce(labels=tf.ones_like(d_real), logits=d_real) + bce(labels=tf.zeros_like(d_fake), logits=d_fake))
g_loss = tf.reduce_mean(bce(labels=tf.ones_like(d_fake), logits=d_fake))
t_vars = tf.trainable_variables()
optimizer = tf.train.AdamOptimizer(2e-4, beta1=0.5)
d_opt = optimizer.minimize(d_loss, var_list=[v for v in t_vars if "discriminator" in v.name])  # expect: BN001
g_opt = optimizer.minimize(g_loss, var_list=[v for v in t_vars if "generator" in v.name])  # expect: BN001

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(10000):
        sess.run([d_opt, g_opt])
    tf.train.Saver(tf.trainable_variables()).save(sess, "ckpt/dcgan")  # expect: BN003
