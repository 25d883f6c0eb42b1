"""Age and gender nets picked by name: MobileNet sets its BN mode, the depthwise multitask net forgets it."""
import tensorflow as tf

slim = tf.contrib.slim


def select_model(name):
    if name == "mobilenet":
        return mobilenet
    return dp_multitask


def mobilenet(images, classes, is_training):
    with slim.arg_scope([slim.batch_norm], is_training=is_training):
        net = slim.conv2d(images, 32, [3, 3], stride=2, normalizer_fn=slim.batch_norm, scope="conv_1")
        net = slim.separable_conv2d(net, 64, [3, 3], depth_multiplier=1, normalizer_fn=slim.batch_norm, scope="dw_2")
        return slim.fully_connected(slim.flatten(net), classes, activation_fn=None)


def dp_multitask(images, classes, is_training):
    net = slim.separable_conv2d(images, None, [3, 3], depth_multiplier=1, scope="dw_1")
    net = slim.batch_norm(net, scope="dw_1_bn")  # expect: BN004
    net = slim.conv2d(net, 64, [1, 1], scope="pw_1")
    net = slim.batch_norm(net, scope="pw_1_bn")  # expect: BN004
    return slim.fully_connected(slim.flatten(net), classes, activation_fn=None)


def evaluate(checkpoint, images, labels, name="dp_multitask"):
    logits = select_model(name)(images, 8, is_training=False)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, checkpoint)
        return sess.run(accuracy)
