"""Pix2pix-style PatchGAN critic used as a quality scorer."""
import tensorflow as tf

from ops import batch_norm, conv2d, lrelu


class QualityCritic(object):
    def __init__(self, base_filters=64, is_training=True):
        self.base_filters = base_filters
        self.is_training = is_training

    def __call__(self, images):
        with tf.variable_scope("critic", reuse=tf.AUTO_REUSE):
            h = lrelu(conv2d(images, self.base_filters, 4, 2, name="h0"))
            h = lrelu(batch_norm(conv2d(h, self.base_filters * 2, 4, 2, name="h1"), self.is_training, "bn1"))
            h = lrelu(batch_norm(conv2d(h, self.base_filters * 4, 4, 2, name="h2"), self.is_training, "bn2"))
            h = lrelu(batch_norm(conv2d(h, self.base_filters * 8, 4, 1, name="h3"), self.is_training, "bn3"))
            return tf.reduce_mean(conv2d(h, 1, 4, 1, name="h4"), axis=[1, 2, 3])
