"""DCGAN: both networks with BN, trained without the update ops."""
import tensorflow as tf

import network


class DCGAN(object):
    def __init__(self, images, z_dim=64, learning_rate=2e-4):
        z = tf.random_normal([tf.shape(images)[0], z_dim])
        fake = network.generator(z, is_training=True)
        real_logits = network.discriminator(images, is_training=True)
        fake_logits = network.discriminator(fake, is_training=True)
        ones, zeros = tf.ones_like(real_logits), tf.zeros_like(fake_logits)
        self.d_loss = tf.losses.sigmoid_cross_entropy(ones, real_logits) + tf.losses.sigmoid_cross_entropy(zeros, fake_logits)
        self.g_loss = tf.losses.sigmoid_cross_entropy(tf.ones_like(fake_logits), fake_logits)
        optimizer = tf.train.AdamOptimizer(learning_rate, beta1=0.5)
        self.d_opt = optimizer.minimize(self.d_loss, var_list=tf.trainable_variables("discriminator"))  # expect: BN001
        self.g_opt = optimizer.minimize(self.g_loss, var_list=tf.trainable_variables("generator"))  # expect: BN001
        self.samples = network.generator(z, is_training=False)
