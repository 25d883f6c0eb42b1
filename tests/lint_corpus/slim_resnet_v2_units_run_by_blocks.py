"""A vendored slim ResNet v2: the unit function is handed to Block and runs under resnet_v2's BN scope."""
import collections

import tensorflow as tf

slim = tf.contrib.slim


class Block(collections.namedtuple("Block", ["scope", "unit_fn", "args"])):
    """A named tuple describing a ResNet block."""


def bottleneck(inputs, depth, depth_bottleneck, stride, scope=None):
    with tf.variable_scope(scope, "bottleneck_v2", [inputs]):
        preact = slim.batch_norm(inputs, activation_fn=tf.nn.relu, scope="preact")
        shortcut = slim.conv2d(preact, depth, [1, 1], stride=stride, normalizer_fn=None, activation_fn=None)
        residual = slim.conv2d(preact, depth_bottleneck, [1, 1], stride=1, scope="conv1")
        residual = slim.conv2d(residual, depth, [3, 3], stride=stride, normalizer_fn=None, activation_fn=None)
        return shortcut + residual


def resnet_v2_block(scope, base_depth, num_units, stride):
    return Block(scope, bottleneck, [(base_depth * 4, base_depth, 1)] * (num_units - 1) + [(base_depth * 4, base_depth, stride)])


def stack_blocks(net, blocks):
    for block in blocks:
        with tf.variable_scope(block.scope):
            for index, (depth, depth_bottleneck, stride) in enumerate(block.args):
                net = block.unit_fn(net, depth, depth_bottleneck, stride, scope="unit_%d" % (index + 1))
    return net


def resnet_v2(inputs, blocks, num_classes=None, is_training=True, scope=None):
    with tf.variable_scope(scope, "resnet_v2", [inputs]):
        with slim.arg_scope([slim.batch_norm], is_training=is_training):
            net = slim.conv2d(inputs, 64, 7, stride=2, activation_fn=None, normalizer_fn=None, scope="conv1")
            net = stack_blocks(net, blocks)
            net = slim.batch_norm(net, activation_fn=tf.nn.relu, scope="postnorm")
            return slim.conv2d(tf.reduce_mean(net, [1, 2], keepdims=True), num_classes, [1, 1], activation_fn=None)


def resnet_v2_50(inputs, num_classes=None, is_training=True):
    blocks = [
        resnet_v2_block("block1", base_depth=64, num_units=3, stride=2),
        resnet_v2_block("block2", base_depth=128, num_units=4, stride=2),
        resnet_v2_block("block3", base_depth=256, num_units=6, stride=2),
        resnet_v2_block("block4", base_depth=512, num_units=3, stride=1),
    ]
    return resnet_v2(inputs, blocks, num_classes, is_training=is_training, scope="resnet_v2_50")


def predict(sess, images):
    logits = resnet_v2_50(images, num_classes=10, is_training=False)
    return sess.run(logits)
