"""Feature-pyramid head built under a BN arg scope of this module that never says the mode."""
import tensorflow as tf
import tensorflow.contrib.slim as slim


def _fpn_scope(weight_decay=1e-5, bn_decay=0.997):
    bn_params = {"decay": bn_decay, "epsilon": 1e-5, "scale": True}
    with slim.arg_scope(  # expect: BN004
        [slim.conv2d],
        weights_regularizer=slim.l2_regularizer(weight_decay),
        normalizer_fn=slim.batch_norm,
        normalizer_params=bn_params,
    ):
        with slim.arg_scope([slim.batch_norm], **bn_params) as scope:
            return scope


def pyramid(c3, c4, c5):
    scope = _fpn_scope()
    with slim.arg_scope(scope):
        p5 = slim.conv2d(c5, 256, [1, 1], scope="P5")
        up = tf.image.resize_bilinear(p5, tf.shape(c4)[1:3])
        p4 = slim.conv2d(up + slim.conv2d(c4, 256, [1, 1], scope="C4"), 256, [3, 3], scope="P4")
        up = tf.image.resize_bilinear(p4, tf.shape(c3)[1:3])
        p3 = slim.conv2d(up + slim.conv2d(c3, 256, [1, 1], scope="C3"), 256, [3, 3], scope="P3")
    return p3, p4, p5


def heads(features, num_anchors, is_training=False):
    with slim.arg_scope(_fpn_scope()):
        logits = [slim.conv2d(f, num_anchors, [3, 3], activation_fn=None) for f in features]
        return [slim.dropout(x, 0.8, is_training=is_training) for x in logits]
