"""VAE-GAN on CelebA: one graph for training and for the reconstructions of test()."""
import numpy as np
import tensorflow as tf

from ops import batch_normal, conv2d, de_conv, lrelu


class VaeGan(object):
    def __init__(self, batch_size, latent_dim, model_path):
        self.batch_size = batch_size
        self.latent_dim = latent_dim
        self.model_path = model_path
        self.images = tf.placeholder(tf.float32, [batch_size, 64, 64, 3])

    def encode(self, x, reuse=False):
        with tf.variable_scope("encode", reuse=reuse):
            net = tf.nn.relu(batch_normal(conv2d(x, 64, "e_c1"), scope="e_bn1"))
            net = tf.nn.relu(batch_normal(conv2d(net, 128, "e_c2"), scope="e_bn2"))
            flat = tf.layers.flatten(net)
            return tf.layers.dense(flat, self.latent_dim), tf.layers.dense(flat, self.latent_dim)

    def generate(self, z, reuse=False):
        with tf.variable_scope("generator", reuse=reuse):
            net = tf.reshape(tf.layers.dense(z, 8 * 8 * 256), [-1, 8, 8, 256])
            net = tf.nn.relu(batch_normal(de_conv(net, 128, "g_d1"), scope="g_bn1"))
            return tf.nn.tanh(de_conv(net, 3, "g_d2"))

    def discriminate(self, x, reuse=False):
        with tf.variable_scope("discriminator", reuse=reuse):
            net = lrelu(conv2d(x, 32, "d_c1"))
            net = lrelu(batch_normal(conv2d(net, 128, "d_c2"), scope="d_bn2", reuse=reuse))
            return tf.layers.dense(tf.layers.flatten(net), 1)

    def build_model(self):
        mean, log_var = self.encode(self.images)
        z = mean + tf.exp(0.5 * log_var) * tf.random_normal(tf.shape(mean))
        self.x_tilde = self.generate(z)
        real_logits = self.discriminate(self.images)
        fake_logits = self.discriminate(self.x_tilde, reuse=True)
        self.kl_loss = -0.5 * tf.reduce_mean(1 + log_var - tf.square(mean) - tf.exp(log_var))
        self.d_loss = tf.reduce_mean(tf.nn.softplus(fake_logits) + tf.nn.softplus(-real_logits))
        self.g_loss = tf.reduce_mean(tf.nn.softplus(-fake_logits)) + tf.reduce_mean(tf.abs(self.x_tilde - self.images))
        variables = tf.trainable_variables()
        self.d_step = tf.train.RMSPropOptimizer(1e-4).minimize(
            self.d_loss, var_list=[v for v in variables if "discriminator" in v.name])
        self.g_step = tf.train.RMSPropOptimizer(1e-4).minimize(
            self.g_loss + self.kl_loss, var_list=[v for v in variables if "discriminator" not in v.name])
        self.saver = tf.train.Saver()

    def train(self, batches, steps):
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(steps):
                feed = {self.images: next(batches)}
                sess.run([self.d_step, self.g_step], feed_dict=feed)
            self.saver.save(sess, self.model_path)

    def test(self, images):
        with tf.Session() as sess:
            self.saver.restore(sess, self.model_path)
            reconstructions = sess.run(self.x_tilde, feed_dict={self.images: images})  # expect: BN006
        return np.clip((reconstructions + 1) * 127.5, 0, 255).astype(np.uint8)
