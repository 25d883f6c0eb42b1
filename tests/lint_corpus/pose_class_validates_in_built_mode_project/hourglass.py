"""A stacked-hourglass pose model that builds its graph, trains and validates in one class.

`training` is a Python bool handed to the constructor: the one graph keeps BN in training mode, so
the per-epoch validation accuracy is computed with the statistics of each validation batch.
"""

import numpy as np
import tensorflow as tf


class HourglassModel(object):
    def __init__(self, n_feat=256, n_joints=16, batch_size=16, dataset=None, training=True):
        self.n_feat = n_feat
        self.n_joints = n_joints
        self.batch_size = batch_size
        self.dataset = dataset
        self.training = training

    def _conv_bn_relu(self, inputs, filters, name):
        with tf.variable_scope(name):
            conv = tf.layers.conv2d(inputs, filters, 3, padding="same", use_bias=False)
            return tf.contrib.layers.batch_norm(conv, 0.9, epsilon=1e-5, activation_fn=tf.nn.relu,
                                                is_training=self.training)

    def generate_model(self):
        self.img = tf.placeholder(tf.float32, [None, 256, 256, 3])
        self.gt_maps = tf.placeholder(tf.float32, [None, 64, 64, self.n_joints])
        net = self._conv_bn_relu(self.img, 64, "pre")
        net = tf.layers.max_pooling2d(net, 4, 4)
        for stage in range(4):
            net = self._conv_bn_relu(net, self.n_feat, "stage_%d" % stage)
        self.output = tf.layers.conv2d(net, self.n_joints, 1)
        self.loss = tf.reduce_mean(tf.square(self.output - self.gt_maps))
        self.accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(self.output, -1),
                                                        tf.argmax(self.gt_maps, -1)), tf.float32))
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            self.train_op = tf.train.RMSPropOptimizer(2.5e-4).minimize(self.loss)
        self.session = tf.Session()
        self.session.run(tf.global_variables_initializer())

    def train(self, epochs=10, epoch_size=1000, valid_iter=10):
        generator = self.dataset.generator(self.batch_size, sample="train")
        valid_gen = self.dataset.generator(self.batch_size, sample="valid")
        for epoch in range(epochs):
            for _ in range(epoch_size):
                img_train, gt_train = next(generator)
                self.session.run(self.train_op, feed_dict={self.img: img_train, self.gt_maps: gt_train})
            accuracies = []
            for _ in range(valid_iter):
                img_valid, gt_valid = next(valid_gen)
                accuracies.append(self.session.run(self.accuracy, feed_dict={  # expect: BN006
                    self.img: img_valid, self.gt_maps: gt_valid}))
            print("epoch", epoch, "validation accuracy", np.mean(accuracies))
