"""The same backbone with its BN mode set: an arg scope over batch_norm around the nets scope."""
import tensorflow as tf
from nets import inception_v2
from nets import mobilenet_v1
from tensorflow.contrib import slim


def backbone(images, is_training):
    with slim.arg_scope(inception_v2.inception_v2_arg_scope()):
        with slim.arg_scope([slim.batch_norm, slim.dropout], is_training=is_training):
            _, end_points = inception_v2.inception_v2_base(images)
    return end_points["Mixed_5c"]


def light_backbone(images, is_training):
    with slim.arg_scope(mobilenet_v1.mobilenet_v1_arg_scope(is_training=is_training)):
        net, _ = mobilenet_v1.mobilenet_v1_base(images)
    return net


def detect(checkpoint, image):
    images = tf.placeholder(tf.float32, [1, 512, 512, 3])
    features = backbone(images, is_training=False) + light_backbone(images, is_training=False)
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, checkpoint)
        return sess.run(features, {images: image})
