"""Depth and camera-motion networks: slim convolutions with batch norm through an arg_scope.

Each builder keeps its own `bn_params`, so the name is assigned once per function.
"""
import tensorflow as tf
import tensorflow.contrib.slim as slim

MIN_DEPTH = 0.1


def motion_net(target, sources, is_training=True):
    bn_params = {'is_training': is_training, 'decay': 0.99}
    inputs = tf.concat([target, sources], axis=3)
    with tf.variable_scope('motion_net'):
        with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,
                            normalizer_params=bn_params, activation_fn=tf.nn.relu):
            net = slim.conv2d(inputs, 16, [7, 7], stride=2, scope='c1')
            net = slim.conv2d(net, 32, [5, 5], stride=2, scope='c2')
            net = slim.conv2d(net, 64, [3, 3], stride=2, scope='c3')
            motion = slim.conv2d(net, 6, [1, 1], normalizer_fn=None, activation_fn=None, scope='out')
    return tf.reduce_mean(motion, [1, 2])


def depth_net(image, is_training=True):
    bn_params = {'is_training': is_training}
    with tf.variable_scope('depth_net'):
        with slim.arg_scope([slim.conv2d, slim.conv2d_transpose], normalizer_fn=slim.batch_norm,
                            normalizer_params=bn_params, activation_fn=tf.nn.relu):
            net = slim.conv2d(image, 32, [7, 7], stride=2, scope='e1')
            net = slim.conv2d(net, 64, [5, 5], stride=2, scope='e2')
            net = slim.conv2d_transpose(net, 32, [3, 3], stride=2, scope='d2')
            net = slim.conv2d_transpose(net, 16, [3, 3], stride=2, scope='d1')
            disp = slim.conv2d(net, 1, [3, 3], normalizer_fn=None, activation_fn=tf.sigmoid, scope='disp')
    return 1.0 / (disp + MIN_DEPTH)
