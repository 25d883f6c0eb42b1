"""Speaker-verification 3D CNN whose arg scope takes the mode and never gives it to slim batch_norm."""
import tensorflow as tf

slim = tf.contrib.slim


def speaker_cnn_arg_scope(is_training, weight_decay=0.0005):
    with slim.arg_scope(  # expect: BN004
        [slim.conv3d, slim.fully_connected],
        activation_fn=None,
        normalizer_fn=slim.batch_norm,
        weights_regularizer=slim.l2_regularizer(weight_decay),
    ):
        with slim.arg_scope([slim.conv3d], padding="VALID") as arg_sc:
            return arg_sc


def speaker_cnn_arg_scope_with_mode(is_training, weight_decay=0.0005):
    with slim.arg_scope(
        [slim.conv3d, slim.fully_connected],
        activation_fn=None,
        normalizer_fn=slim.batch_norm,
        normalizer_params={"is_training": is_training, "decay": 0.99},
        weights_regularizer=slim.l2_regularizer(weight_decay),
    ):
        with slim.arg_scope([slim.conv3d], padding="VALID") as arg_sc:
            return arg_sc


def speaker_cnn(inputs, num_classes, is_training=True, scope="cnn"):
    with tf.variable_scope(scope):
        net = slim.conv3d(inputs, 16, [3, 1, 5], stride=[1, 1, 1], scope="conv11")
        net = slim.conv3d(net, 32, [3, 9, 1], stride=[1, 2, 1], scope="conv12")
        net = slim.dropout(net, 0.5, is_training=is_training)
        return slim.fully_connected(slim.flatten(net), num_classes, scope="logits")
