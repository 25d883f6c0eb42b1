"""Segment a folder of street images with a trained ENet-style model and write the masks.

The input reader takes is_training=True to shuffle and augment (not a BN flag, and off here would
be better, but harmless), while the network itself is built in training mode: every prediction is
normalized with the statistics of its own batch of images.
"""
import os

import numpy as np
import tensorflow as tf
from tensorflow.contrib import slim

import segnet_lib

CHECKPOINT = "log/model.ckpt-12000"
IMAGE_DIR = "dataset/test"


def input_images(folder, batch_size, is_training):
    files = sorted(os.path.join(folder, name) for name in os.listdir(folder))
    queue = tf.train.string_input_producer(files, shuffle=is_training)
    image = tf.image.decode_png(tf.read_file(queue.dequeue()), channels=3)
    image = tf.image.resize_images(image, [360, 480])
    return tf.train.batch([image], batch_size=batch_size, allow_smaller_final_batch=True)


images = input_images(IMAGE_DIR, batch_size=10, is_training=True)
with slim.arg_scope(segnet_lib.arg_scope()):
    logits, probabilities = segnet_lib.network(images, num_classes=12, batch_size=10,  # expect: BN006
                                               is_training=True, reuse=None)
predictions = tf.argmax(probabilities, -1)
restorer = tf.train.Saver(slim.get_variables_to_restore())

with tf.Session() as sess:
    restorer.restore(sess, CHECKPOINT)
    coordinator = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess, coord=coordinator)
    for step in range(len(os.listdir(IMAGE_DIR)) // 10):
        masks = sess.run(predictions)
        np.save("predictions/batch_%d.npy" % step, masks)
    coordinator.request_stop()
    coordinator.join(threads)
