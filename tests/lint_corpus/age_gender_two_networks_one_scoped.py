"""Two age/gender networks in one module: the first sets BN's mode in its arg scope, the second's
depthwise blocks build slim BN with none, and evaluate() runs whichever the flag picks."""
import tensorflow as tf
import tensorflow.contrib.slim as slim


def levi_hassner_bn(images, classes, is_training):
    bn_params = {"is_training": is_training, "decay": 0.997, "updates_collections": None}
    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm, normalizer_params=bn_params):
        net = slim.conv2d(images, 96, [7, 7], 4, padding="VALID")
        net = slim.conv2d(slim.max_pool2d(net, 3, 2), 256, [5, 5])
        return slim.fully_connected(slim.flatten(net), classes, activation_fn=None)


def depthwise_multitask(images, classes, is_training):
    def separable(net, filters, scope):
        net = slim.separable_conv2d(net, None, [3, 3], depth_multiplier=1, scope=scope + "/dw")
        net = slim.batch_norm(net, scope=scope + "/dw_bn")  # expect: BN004
        net = slim.conv2d(net, filters, [1, 1], scope=scope + "/pw")
        return slim.batch_norm(net, scope=scope + "/pw_bn")  # expect: BN004

    net = slim.conv2d(images, 96, [7, 7], 4, padding="VALID")
    net = separable(separable(net, 256, "dp1"), 384, "dp2")
    net = slim.dropout(slim.flatten(net), 0.5, is_training=is_training)
    return slim.fully_connected(net, classes, activation_fn=None)


def evaluate(checkpoint, images, labels, model="depthwise"):
    network = depthwise_multitask if model == "depthwise" else levi_hassner_bn
    logits = network(images, 8, is_training=False)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, checkpoint)
        return sess.run(accuracy)
