"""A small ResNet built from slim layers; BN's mode comes from the caller's is_training."""
import tensorflow as tf

slim = tf.contrib.slim


def resnet_v1(inputs, num_classes, is_training=True, scope="resnet_v1"):
    with tf.variable_scope(scope):
        with slim.arg_scope([slim.batch_norm], is_training=is_training):
            net = slim.conv2d(inputs, 64, [7, 7], stride=2, scope="conv1")
            net = slim.max_pool2d(net, [3, 3], stride=2, scope="pool1")
            for unit in range(4):
                shortcut = net
                net = slim.conv2d(net, 64, [3, 3], scope="unit%d_a" % unit)
                net = slim.conv2d(net, 64, [3, 3], activation_fn=None, scope="unit%d_b" % unit)
                net = tf.nn.relu(net + shortcut)
            net = tf.reduce_mean(net, [1, 2])
            return slim.fully_connected(net, num_classes, activation_fn=None, scope="logits")
