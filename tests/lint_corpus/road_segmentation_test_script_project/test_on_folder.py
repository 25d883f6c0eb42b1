"""Segments every image of a folder with the trained U-Net, one image at a time."""
import sys

import numpy as np
import tensorflow as tf
from PIL import Image

from net import unet

image = tf.placeholder(tf.float32, [1, 256, 256, 3])
mask = tf.argmax(unet(image), -1)

with tf.Session() as sess:
    tf.train.Saver().restore(sess, "ckpt/unet")
    for path in sys.argv[1:]:
        pixels = np.asarray(Image.open(path).resize((256, 256)), np.float32)[None] / 255.0
        Image.fromarray(sess.run(mask, {image: pixels})[0].astype(np.uint8) * 255).save(path + ".mask.png")
