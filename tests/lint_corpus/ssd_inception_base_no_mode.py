"""SSD-style detector on the slim Inception-v2 backbone; detect() reuses the same builder."""
import tensorflow as tf
from nets import inception_v2
from tensorflow.contrib import slim


def backbone(images):
    with slim.arg_scope(inception_v2.inception_v2_arg_scope()):
        _, end_points = inception_v2.inception_v2_base(images)  # expect: BN004
    return [end_points["Mixed_3c"], end_points["Mixed_4e"], end_points["Mixed_5c"]]


def heads(features, num_classes):
    return [slim.conv2d(f, 4 * (num_classes + 4), 3, activation_fn=None) for f in features]


def detect(checkpoint, image):
    images = tf.placeholder(tf.float32, [1, 512, 512, 3])
    outputs = heads(backbone(images), 21)
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, checkpoint)
        return sess.run(outputs, {images: image})
