"""Multi-label training on VOC: the mode is a command-line bool, and the mode placeholder is a dead switch."""
import argparse

import tensorflow as tf

import resnet_utils
import resnet_v1

slim = tf.contrib.slim

parser = argparse.ArgumentParser()
parser.add_argument("--is_training", type=bool, default=True)
parser.add_argument("--steps", type=int, default=20000)
args = parser.parse_args()


class Trainer(object):
    def __init__(self, images, labels):
        self.is_training = tf.placeholder(tf.bool, [])  # expect: BN004
        with slim.arg_scope(resnet_utils.resnet_arg_scope()):
            logits = resnet_v1.resnet_v1(images, 20, is_training=args.is_training)
        self.prediction = tf.sigmoid(logits)
        self.loss = tf.losses.sigmoid_cross_entropy(labels, logits)
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            self.train_op = tf.train.AdamOptimizer(1e-4).minimize(self.loss)
        self.labels = labels

    def train(self, sess):
        for step in range(args.steps):
            sess.run(self.train_op)

    def test(self, sess, batches):
        for _ in range(batches):
            scores, truth = sess.run([self.prediction, self.labels], feed_dict={self.is_training: False})
            yield scores, truth
