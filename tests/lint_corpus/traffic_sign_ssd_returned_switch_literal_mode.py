"""Traffic-sign SSD: the model returns its is_training placeholder to be fed, but BN gets a literal True."""
import tensorflow as tf

slim = tf.contrib.slim


def alexnet_ssd(num_classes=4):
    x = tf.placeholder(tf.float32, [None, 260, 400, 3], name="x")
    is_training = tf.placeholder(tf.bool, name="is_training")  # expect: BN004
    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm, normalizer_params={"is_training": True}):
        net = slim.conv2d(x, 64, [11, 11], 4, padding="VALID", scope="conv1")
        net = slim.max_pool2d(net, [3, 3], 2, scope="pool1")
        net = slim.conv2d(net, 192, [5, 5], scope="conv2")
        conf = slim.conv2d(net, num_classes, [3, 3], activation_fn=None, scope="conf")
    model = {"x": x, "is_training": is_training, "conf": tf.reshape(conf, [-1, num_classes])}
    return model


def alexnet_ssd_switched(num_classes=4):
    x = tf.placeholder(tf.float32, [None, 260, 400, 3], name="x")
    is_training = tf.placeholder(tf.bool, name="is_training")
    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm, normalizer_params={"is_training": is_training}):
        net = slim.conv2d(x, 64, [11, 11], 4, padding="VALID", scope="conv1")
        conf = slim.conv2d(net, num_classes, [3, 3], activation_fn=None, scope="conf")
    return {"x": x, "is_training": is_training, "conf": tf.reshape(conf, [-1, num_classes])}
