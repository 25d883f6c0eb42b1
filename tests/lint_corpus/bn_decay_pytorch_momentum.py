"""ENet-style segmentation network ported from Torch: the Torch BN momentum 0.1 was copied as the
TensorFlow decay, which keeps only a tenth of the running average per step."""
import tensorflow as tf
from tensorflow.contrib import slim


def enet_arg_scope(weight_decay=2e-4, batch_norm_decay=0.1, batch_norm_epsilon=0.001):
    """The arg scope of the official implementation (momentum 0.1)."""
    with slim.arg_scope([slim.conv2d], weights_regularizer=slim.l2_regularizer(weight_decay)):
        with slim.arg_scope([slim.batch_norm], decay=batch_norm_decay, epsilon=batch_norm_epsilon) as scope:  # expect: BN005
            return scope


def initial_block(inputs, is_training, scope):
    conv = slim.conv2d(inputs, 13, [3, 3], stride=2, activation_fn=None, scope=scope + "_conv")
    conv = slim.batch_norm(conv, is_training=is_training, fused=True, scope=scope + "_bn")
    pool = slim.max_pool2d(inputs, [2, 2], stride=2, scope=scope + "_pool")
    return tf.nn.relu(tf.concat([conv, pool], axis=3))


def bottleneck(inputs, depth, is_training, scope):
    net = slim.conv2d(inputs, depth // 4, [1, 1], scope=scope + "_conv1")
    net = slim.batch_norm(net, is_training=is_training, scope=scope + "_bn1")
    net = slim.conv2d(tf.nn.relu(net), depth, [3, 3], scope=scope + "_conv2")
    net = slim.batch_norm(net, is_training=is_training, scope=scope + "_bn2")
    return tf.nn.relu(net + inputs) if inputs.shape[-1] == depth else tf.nn.relu(net)


def decoder_head(net, num_classes, training):
    # a second port of the same mistake, on a tf.layers block
    net = tf.layers.conv2d_transpose(net, 16, 3, strides=2, padding="same")
    net = tf.layers.batch_normalization(net, momentum=0.1, training=training)  # expect: BN005
    return tf.layers.conv2d(tf.nn.relu(net), num_classes, 1)


def enet(images, num_classes, is_training):
    with slim.arg_scope(enet_arg_scope()):
        net = initial_block(images, is_training, "initial")
        for index in range(4):
            net = bottleneck(net, 64, is_training, "bottleneck1_%d" % index)
        return decoder_head(net, num_classes, is_training)
