"""DCGAN on MNIST with slim layers configured through chains of partials; BN updates in place
(updates_collections=None), so the plain minimize calls need no UPDATE_OPS dependency."""
from functools import partial

import tensorflow as tf
import tensorflow.contrib.slim as slim

conv = partial(slim.conv2d, activation_fn=None, weights_initializer=tf.truncated_normal_initializer(stddev=0.02))
dconv = partial(slim.conv2d_transpose, activation_fn=None)
fc = partial(slim.fully_connected, activation_fn=None)
lrelu = partial(tf.nn.leaky_relu, alpha=0.2)
batch_norm = partial(slim.batch_norm, decay=0.9, scale=True, epsilon=1e-5, updates_collections=None)


def generator(z, dim=64, reuse=True, training=True):
    bn = partial(batch_norm, is_training=training)
    dconv_bn_relu = partial(dconv, normalizer_fn=bn, activation_fn=tf.nn.relu, biases_initializer=None)
    fc_bn_relu = partial(fc, normalizer_fn=bn, activation_fn=tf.nn.relu, biases_initializer=None)
    with tf.variable_scope("generator", reuse=reuse):
        y = fc_bn_relu(z, 7 * 7 * dim * 2)
        y = tf.reshape(y, [-1, 7, 7, dim * 2])
        y = dconv_bn_relu(y, dim, 5, 2)
        return tf.tanh(dconv(y, 1, 5, 2))


def discriminator(img, dim=64, reuse=True, training=True):
    bn = partial(batch_norm, is_training=training)
    conv_bn_lrelu = partial(conv, normalizer_fn=bn, activation_fn=lrelu, biases_initializer=None)
    with tf.variable_scope("discriminator", reuse=reuse):
        y = lrelu(conv(img, dim, 5, 2))
        y = conv_bn_lrelu(y, dim * 2, 5, 2)
        return fc(slim.flatten(y), 1)


real = tf.placeholder(tf.float32, [None, 28, 28, 1])
z = tf.placeholder(tf.float32, [None, 100])
fake = generator(z, reuse=False)
r_logit = discriminator(real, reuse=False)
f_logit = discriminator(fake)
d_loss = (tf.losses.sigmoid_cross_entropy(tf.ones_like(r_logit), r_logit)
          + tf.losses.sigmoid_cross_entropy(tf.zeros_like(f_logit), f_logit)) / 2.0
g_loss = tf.losses.sigmoid_cross_entropy(tf.ones_like(f_logit), f_logit)
d_vars = [v for v in tf.trainable_variables() if v.name.startswith("discriminator")]
g_vars = [v for v in tf.trainable_variables() if v.name.startswith("generator")]
d_step = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(d_loss, var_list=d_vars)
g_step = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(g_loss, var_list=g_vars)
