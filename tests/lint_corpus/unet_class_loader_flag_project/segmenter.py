"""One graph for training, testing and prediction; the loaders are told not to shuffle at test time."""
import numpy as np
import tensorflow as tf

from utils import layers
from utils.loader import NpzLoader


class Segmenter(object):
    def __init__(self, sess, conf):
        self.sess, self.conf = sess, conf
        self.images = tf.placeholder(tf.float32, [None, 64, 64, 1])
        self.masks = tf.placeholder(tf.int64, [None, 64, 64])
        net = layers.down(self.images, 16, 'down1')
        net = layers.conv_bn(net, 32, 'mid')
        logits = tf.image.resize_bilinear(tf.contrib.layers.conv2d(net, 2, 1), [64, 64])
        self.loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=self.masks, logits=logits))
        self.predictions = tf.argmax(logits, -1)
        self.train_op = tf.train.AdamOptimizer(1e-3).minimize(self.loss)
        self.saver = tf.train.Saver(tf.global_variables())
        self.sess.run(tf.global_variables_initializer())

    def train(self):
        loader = NpzLoader(self.conf.train_data)
        for step in range(self.conf.steps):
            images, masks = loader.next_batch(self.conf.batch)
            self.sess.run(self.train_op, {self.images: images, self.masks: masks})
        self.saver.save(self.sess, self.conf.checkpoint)

    def test(self):
        loader = NpzLoader(self.conf.test_data, False)
        images, masks = loader.next_batch(self.conf.batch)
        loss = self.sess.run(self.loss, {self.images: images, self.masks: masks})  # expect: BN006
        print('test loss', loss)

    def predict(self, images):
        return self.sess.run(self.predictions, {self.images: images})
