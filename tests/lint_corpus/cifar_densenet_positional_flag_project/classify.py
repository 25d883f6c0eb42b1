"""Classifies one folder of images with the saved network."""

import sys

import numpy as np
import tensorflow.compat.v1 as tf

from layers import cifar_densenet

images = tf.placeholder(tf.float32, [None, 32, 32, 3])
logits = cifar_densenet(images, 1.0, True)  # expect: BN006
with tf.Session() as sess:
    tf.train.Saver().restore(sess, "ckpt/densenet")
    print(sess.run(tf.argmax(logits, 1), {images: np.load(sys.argv[1])}))
