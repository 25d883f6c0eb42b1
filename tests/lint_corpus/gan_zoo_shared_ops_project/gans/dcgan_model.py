import tensorflow as tf

import gans.ops as t


class DCGAN(object):
    def __init__(self, z, images):
        fake = self.generator(z)
        d_real, d_fake = self.discriminator(images), self.discriminator(fake, reuse=True)
        self.d_loss = tf.reduce_mean(tf.nn.softplus(-d_real) + tf.nn.softplus(d_fake))
        self.g_loss = tf.reduce_mean(tf.nn.softplus(-d_fake))
        d_vars = [v for v in tf.trainable_variables() if v.name.startswith('disc')]
        g_vars = [v for v in tf.trainable_variables() if v.name.startswith('gen')]
        self.d_op = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(self.d_loss, var_list=d_vars)  # expect: BN001
        self.g_op = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(self.g_loss, var_list=g_vars)  # expect: BN001

    def generator(self, z, is_train=True):
        with tf.variable_scope('gen'):
            x = tf.reshape(tf.layers.dense(z, 4 * 4 * 256), [-1, 4, 4, 256])
            x = tf.nn.relu(t.batch_norm(x, is_train=is_train, name='gen-bn-0'))
            return tf.nn.tanh(tf.layers.conv2d_transpose(x, 3, 4, 2, padding='same'))

    def discriminator(self, x, reuse=None):
        with tf.variable_scope('disc', reuse=reuse):
            x = tf.nn.leaky_relu(t.conv2d(x, 64, 'disc-conv-0'))
            return tf.layers.dense(tf.layers.flatten(x), 1)
