"""Disparity prediction for one stereo pair; the training graph's optimizer was copied in and never runs."""
import numpy as np
import tensorflow as tf
from PIL import Image


def net(left, right, phase):
    features = []
    for image in (left, right):
        with tf.variable_scope("tower", reuse=tf.AUTO_REUSE):
            x = tf.layers.conv2d(image, 32, 5, strides=2, padding="same")
            x = tf.nn.relu(tf.layers.batch_normalization(x, training=phase))
        features.append(x)
    return tf.layers.conv2d(tf.concat(features, axis=-1), 1, 3, padding="same")


left = tf.placeholder(tf.float32, [1, 256, 512, 3])
right = tf.placeholder(tf.float32, [1, 256, 512, 3])
disparity = tf.placeholder(tf.float32, [1, 128, 256, 1])
phase = tf.placeholder(tf.bool)
prediction = net(left, right, phase)
loss = tf.losses.absolute_difference(prediction, disparity)
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(update_ops):
    train_op = tf.train.RMSPropOptimizer(0.001).minimize(loss)
saver = tf.train.Saver()

with tf.Session() as sess:
    saver.restore(sess, tf.train.latest_checkpoint("checkpoints"))
    image_left = np.asarray(Image.open("im0.png"), dtype=np.float32)[None] / 255.0 - 0.5
    image_right = np.asarray(Image.open("im1.png"), dtype=np.float32)[None] / 255.0 - 0.5
    out = sess.run(prediction, feed_dict={left: image_left, right: image_right, phase: False})
    Image.fromarray(np.uint8(np.clip(out[0, :, :, 0], 0, 1) * 255)).save("disparity.png")
