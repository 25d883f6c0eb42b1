"""A vendored copy of slim's ResNet helpers: BN comes in through the arg scope's normalizer_fn."""
import tensorflow as tf

slim = tf.contrib.slim


def resnet_arg_scope(weight_decay=0.0001, batch_norm_decay=0.997, use_batch_norm=True):
    batch_norm_params = {
        "decay": batch_norm_decay,
        "epsilon": 1e-5,
        "scale": True,
        "updates_collections": tf.GraphKeys.UPDATE_OPS,
    }
    with slim.arg_scope(
        [slim.conv2d],
        weights_regularizer=slim.l2_regularizer(weight_decay),
        activation_fn=tf.nn.relu,
        normalizer_fn=slim.batch_norm if use_batch_norm else None,
        normalizer_params=batch_norm_params,
    ):
        with slim.arg_scope([slim.batch_norm], **batch_norm_params):
            with slim.arg_scope([slim.max_pool2d], padding="SAME") as arg_sc:
                return arg_sc
