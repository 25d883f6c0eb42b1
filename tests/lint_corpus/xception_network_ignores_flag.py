"""A vendored Xception for a detector: the network takes is_training and never hands it to BN."""
import tensorflow as tf

slim = tf.contrib.slim


def xception(inputs, num_classes=1000, is_training=True, dropout_keep_prob=0.5, scope="xception"):
    with tf.variable_scope(scope, "xception", [inputs]):
        net = slim.conv2d(inputs, 32, [3, 3], stride=2, padding="VALID", scope="block1_conv1")
        net = slim.conv2d(net, 64, [3, 3], padding="VALID", scope="block1_conv2")
        for index, depth in enumerate((128, 256, 728)):
            residual = slim.conv2d(net, depth, [1, 1], stride=2, activation_fn=None, scope="res%d" % index)
            net = slim.separable_convolution2d(net, depth, [3, 3], 1, scope="block%d_sepconv1" % index)
            net = slim.separable_convolution2d(net, depth, [3, 3], 1, activation_fn=None, scope="block%d_sepconv2" % index)
            net = slim.max_pool2d(net, [3, 3], stride=2, scope="block%d_pool" % index) + residual
        net = tf.reduce_mean(net, [1, 2])
        return slim.fully_connected(net, num_classes, activation_fn=None, scope="logits")


def xception_arg_scope(weight_decay=0.00001):
    batch_norm_params = {"decay": 0.9997, "epsilon": 0.001, "updates_collections": tf.GraphKeys.UPDATE_OPS}
    with slim.arg_scope([slim.conv2d, slim.separable_convolution2d], weights_regularizer=slim.l2_regularizer(weight_decay)):
        with slim.arg_scope(  # expect: BN004
            [slim.conv2d, slim.separable_convolution2d],
            padding="SAME",
            activation_fn=tf.nn.relu,
            normalizer_fn=slim.batch_norm,
            normalizer_params=batch_norm_params,
        ):
            with slim.arg_scope([slim.max_pool2d], padding="SAME") as sc:
                return sc
