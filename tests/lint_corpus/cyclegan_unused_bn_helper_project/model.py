"""Builds the two generators and discriminators and trains them with least-squares GAN losses."""

import tensorflow as tf

from module import discriminator, generator


class CycleGAN(object):
    def __init__(self, image_size=256):
        self.real_a = tf.placeholder(tf.float32, [None, image_size, image_size, 3])
        self.real_b = tf.placeholder(tf.float32, [None, image_size, image_size, 3])
        fake_b = generator(self.real_a, name="generatorA2B")
        fake_a = generator(self.real_b, name="generatorB2A")
        back_a = generator(fake_b, True, name="generatorB2A")
        d_fake_b = discriminator(fake_b, name="discriminatorB")
        self.g_loss = tf.reduce_mean(tf.square(d_fake_b - 1)) + 10 * tf.reduce_mean(tf.abs(self.real_a - back_a))
        d_real_b = discriminator(self.real_b, True, name="discriminatorB")
        self.d_loss = tf.reduce_mean(tf.square(d_real_b - 1)) + tf.reduce_mean(tf.square(d_fake_b))
        variables = tf.trainable_variables()
        self.g_optim = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(
            self.g_loss, var_list=[v for v in variables if "generator" in v.name])
        self.d_optim = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(
            self.d_loss, var_list=[v for v in variables if "discriminator" in v.name])
        self.fake_a = fake_a
