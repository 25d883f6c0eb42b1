"""ResNet-32 for CIFAR-10 with a hand-written BN that always uses the moments of the batch:
there are no population statistics, so validation and test predictions depend on their batch."""
import numpy as np
from hyper_parameters import *

BN_EPSILON = 0.001


def create_variables(name, shape, initializer=None):
    regularizer = tf.contrib.layers.l2_regularizer(scale=FLAGS.weight_decay)
    return tf.get_variable(name, shape=shape, initializer=initializer, regularizer=regularizer)


def batch_normalization_layer(input_layer, dimension):
    mean, variance = tf.nn.moments(input_layer, axes=[0, 1, 2])
    beta = tf.get_variable("beta", dimension, tf.float32, initializer=tf.constant_initializer(0.0))
    gamma = tf.get_variable("gamma", dimension, tf.float32, initializer=tf.constant_initializer(1.0))
    return tf.nn.batch_normalization(input_layer, mean, variance, beta, gamma, BN_EPSILON)  # expect: BN004


def conv_bn_relu_layer(input_layer, filter_shape, stride):
    filters = create_variables(name="conv", shape=filter_shape)
    conv = tf.nn.conv2d(input_layer, filters, strides=[1, stride, stride, 1], padding="SAME")
    return tf.nn.relu(batch_normalization_layer(conv, filter_shape[-1]))


def inference(input_tensor_batch, n, reuse):
    layer = input_tensor_batch
    with tf.variable_scope("conv0", reuse=reuse):
        layer = conv_bn_relu_layer(layer, [3, 3, 3, 16], 1)
    for i in range(n):
        with tf.variable_scope("conv1_%d" % i, reuse=reuse):
            layer = conv_bn_relu_layer(layer, [3, 3, 16, 16], 1)
    with tf.variable_scope("fc", reuse=reuse):
        pooled = tf.reduce_mean(layer, [1, 2])
        weights = create_variables("weights", [16, 10], tf.uniform_unit_scaling_initializer(factor=1.0))
        return tf.matmul(pooled, weights)


def shapes(n):
    return np.arange(n)
