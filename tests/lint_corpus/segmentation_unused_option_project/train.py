"""Trains the segmenter; the --is-training option is parsed but the network is built in training mode."""

import argparse

import tensorflow.compat.v1 as tf

from network import segmenter

parser = argparse.ArgumentParser()
parser.add_argument("--num-classes", type=int, default=19)
parser.add_argument("--is-training", action="store_true", help="update the BN moving averages")
args = parser.parse_args()

images = tf.placeholder(tf.float32, [2, 128, 128, 3])
labels = tf.placeholder(tf.int32, [2, 128, 128])
logits = segmenter(images, args.num_classes, is_training=True)  # expect: BN004
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    train_op = tf.train.MomentumOptimizer(1e-3, 0.9).minimize(loss)
