"""Progressive GAN: pixel norm in the generator, no batch norm anywhere."""
import tensorflow as tf

import gans.ops as t


class PGGAN(object):
    def __init__(self, z, images):
        fake = self.generator(z)
        d_real, d_fake = self.discriminator(images), self.discriminator(fake, reuse=True)
        self.d_loss = tf.reduce_mean(d_fake) - tf.reduce_mean(d_real)
        self.g_loss = -tf.reduce_mean(d_fake)
        d_vars = [v for v in tf.trainable_variables() if v.name.startswith('disc')]
        g_vars = [v for v in tf.trainable_variables() if v.name.startswith('gen')]
        self.d_op = tf.train.AdamOptimizer(1e-3, beta1=0., beta2=0.99).minimize(self.d_loss, var_list=d_vars)
        self.g_op = tf.train.AdamOptimizer(1e-3, beta1=0., beta2=0.99).minimize(self.g_loss, var_list=g_vars)

    def generator(self, z):
        with tf.variable_scope('gen'):
            x = t.pixel_norm(tf.reshape(tf.layers.dense(z, 4 * 4 * 256), [-1, 4, 4, 256]))
            return tf.nn.tanh(tf.layers.conv2d_transpose(x, 3, 4, 2, padding='same'))

    def discriminator(self, x, reuse=None):
        with tf.variable_scope('disc', reuse=reuse):
            x = tf.nn.leaky_relu(t.conv2d(x, 64, 'disc-conv-0'))
            return tf.layers.dense(tf.layers.flatten(x), 1)
