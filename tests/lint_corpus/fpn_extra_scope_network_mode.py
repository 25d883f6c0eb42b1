"""A BN arg scope of this module around a backbone that sets BN's mode in its own arg scope."""
import tensorflow as tf
import tensorflow.contrib.slim as slim


def backbone_scope(weight_decay=1e-4):
    with slim.arg_scope(
        [slim.conv2d],
        weights_regularizer=slim.l2_regularizer(weight_decay),
        normalizer_fn=slim.batch_norm,
        normalizer_params={"decay": 0.997, "scale": True},
    ) as scope:
        return scope


def backbone(images, is_training):
    with slim.arg_scope([slim.batch_norm], is_training=is_training):
        net = slim.conv2d(images, 64, [7, 7], stride=2, scope="conv1")
        net = slim.max_pool2d(net, [3, 3], stride=2)
        return slim.repeat(net, 3, slim.conv2d, 128, [3, 3], scope="block1")


def features(images, is_training):
    with slim.arg_scope(backbone_scope()):
        net = backbone(images, is_training=is_training)
        return slim.conv2d(net, 256, [1, 1], scope="reduce")
