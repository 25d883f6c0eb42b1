"""3D U-Net built from the layer helpers; one graph serves training, test and prediction."""
import numpy as np
import tensorflow as tf
import layers


class VolumeNet(object):
    def __init__(self, sess, classes=3):
        self.sess = sess
        self.inputs = tf.placeholder(tf.float32, [None, 32, 32, 32, 1])
        self.labels = tf.placeholder(tf.int64, [None, 32, 32, 32])
        down = layers.conv_bn(self.inputs, 16, 'down1')
        down = tf.layers.max_pooling3d(down, 2, 2)
        down = layers.conv_bn(down, 32, 'down2')
        up = layers.deconv_bn(down, 16, 'up1')
        self.logits = tf.layers.conv3d(up, classes, 1)
        self.loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=self.labels, logits=self.logits))
        self.train_op = tf.train.AdamOptimizer(1e-3).minimize(self.loss)
        self.predictions = tf.argmax(self.logits, -1)

    def train(self, volumes, labels, steps):
        self.sess.run(tf.global_variables_initializer())
        for step in range(steps):
            self.sess.run(self.train_op, {self.inputs: volumes, self.labels: labels})

    def test(self, volumes, labels):
        predictions = self.sess.run(self.predictions, {self.inputs: volumes})  # expect: BN006
        return np.mean(predictions == labels)
