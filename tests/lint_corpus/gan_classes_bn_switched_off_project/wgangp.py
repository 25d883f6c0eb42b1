"""WGAN-GP: the gradient penalty forbids BN, so both networks are built without it."""
import tensorflow as tf

import network


class WGANGP(object):
    def __init__(self, images, z_dim=64, learning_rate=1e-4):
        z = tf.random_normal([tf.shape(images)[0], z_dim])
        fake = network.generator(z, is_training=True, use_bn=False)
        real_logits = network.discriminator(images, is_training=True, use_bn=False)
        fake_logits = network.discriminator(fake, is_training=True, use_bn=False)
        self.d_loss = tf.reduce_mean(fake_logits) - tf.reduce_mean(real_logits)
        self.g_loss = -tf.reduce_mean(fake_logits)
        optimizer = tf.train.AdamOptimizer(learning_rate, beta1=0.5, beta2=0.9)
        self.d_opt = optimizer.minimize(self.d_loss, var_list=tf.trainable_variables("discriminator"))
        self.g_opt = optimizer.minimize(self.g_loss, var_list=tf.trainable_variables("generator"))
