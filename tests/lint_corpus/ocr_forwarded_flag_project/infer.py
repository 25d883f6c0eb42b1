"""Encodes one image with the saved weights."""

import sys

import numpy as np
import tensorflow.compat.v1 as tf

import nnlib.network

images = tf.placeholder(tf.float32, [1, 32, 128, 1])
features = nnlib.network.encoder(images, 32, True)  # expect: BN006
with tf.Session() as sess:
    tf.train.Saver().restore(sess, "ckpt/encoder")
    print(sess.run(features, {images: np.load(sys.argv[1])}).shape)
