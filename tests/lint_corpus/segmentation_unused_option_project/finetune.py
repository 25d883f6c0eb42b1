"""A near miss: the option is read, so the literal below is a choice, not a dead switch."""

import argparse

import tensorflow.compat.v1 as tf

from network import segmenter

parser = argparse.ArgumentParser()
parser.add_argument("--is-training", action="store_true")
args = parser.parse_args()

images = tf.placeholder(tf.float32, [2, 128, 128, 3])
frozen = segmenter(images, 19, is_training=args.is_training)
with tf.variable_scope("head"):
    head = segmenter(images, 19, is_training=True)
loss = tf.reduce_mean(head) + tf.reduce_mean(frozen)
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    train_op = tf.train.AdamOptimizer(1e-4).minimize(loss)
