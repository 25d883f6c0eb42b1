"""A segmentation model class whose constructor flag is a default, overridden by a mode placeholder.

The validation run feeds `self.is_training: False`, so the class's one graph does switch BN to
the moving statistics when it validates.
"""

import numpy as np
import tensorflow as tf


class Segmenter(object):
    def __init__(self, classes=21, training=True):
        self.classes = classes
        self.is_training = tf.placeholder_with_default(training, [], name="is_training")

    def build(self):
        self.images = tf.placeholder(tf.float32, [None, 224, 224, 3])
        self.labels = tf.placeholder(tf.int32, [None, 224, 224])
        net = tf.layers.conv2d(self.images, 64, 3, padding="same")
        net = tf.nn.relu(tf.layers.batch_normalization(net, training=self.is_training))
        self.logits = tf.layers.conv2d(net, self.classes, 1)
        self.loss = tf.losses.sparse_softmax_cross_entropy(self.labels, self.logits)
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            self.train_op = tf.train.AdamOptimizer(1e-4).minimize(self.loss)

    def fit(self, session, train_batches, val_batches):
        for images, labels in train_batches:
            session.run(self.train_op, feed_dict={self.images: images, self.labels: labels})
        val_losses = [
            session.run(self.loss, feed_dict={self.images: x_val, self.labels: y_val, self.is_training: False})
            for x_val, y_val in val_batches
        ]
        return np.mean(val_losses)
