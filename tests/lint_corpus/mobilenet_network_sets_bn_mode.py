"""A vendored MobileNet: its arg scope leaves the mode out, and the network sets it around its layers."""
import tensorflow as tf

slim = tf.contrib.slim


def mobilenet(inputs, num_classes=1000, is_training=True, width=1.0, scope="MobileNet"):
    with tf.variable_scope(scope, "MobileNet", [inputs]):
        with slim.arg_scope([slim.batch_norm, slim.dropout], is_training=is_training):
            net = slim.conv2d(inputs, round(32 * width), [3, 3], stride=2, scope="conv_1")
            for index, depth in enumerate((64, 128, 256, 512, 1024)):
                net = slim.separable_convolution2d(net, None, [3, 3], depth_multiplier=1, scope="dw_%d" % index)
                net = slim.conv2d(net, round(depth * width), [1, 1], scope="pw_%d" % index)
            net = slim.dropout(tf.reduce_mean(net, [1, 2]), 0.999)
            return slim.fully_connected(net, num_classes, activation_fn=None, scope="fc_16")


def mobilenet_arg_scope(weight_decay=0.0):
    with slim.arg_scope(
        [slim.conv2d, slim.separable_convolution2d],
        activation_fn=tf.nn.relu,
        normalizer_fn=slim.batch_norm,
        normalizer_params={"decay": 0.9997, "epsilon": 0.001},
    ):
        with slim.arg_scope([slim.conv2d], weights_regularizer=slim.l2_regularizer(weight_decay)) as sc:
            return sc
