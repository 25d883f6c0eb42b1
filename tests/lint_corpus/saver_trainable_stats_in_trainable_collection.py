"""Face-embedding network whose arg scope puts the BN moving statistics in TRAINABLE_VARIABLES, so
a Saver over the trainable variables keeps them (the DESIGN's exception to BN003)."""
import tensorflow as tf
import tensorflow.contrib.slim as slim


def block(net, depth, stride):
    net = slim.conv2d(net, depth, [1, 1])
    net = slim.separable_conv2d(net, None, [3, 3], stride=stride, depth_multiplier=1.0,
                                normalizer_fn=slim.batch_norm)
    return slim.conv2d(net, depth, [1, 1], activation_fn=None)


def face_net_arg_scope(is_training=True, weight_decay=4e-5):
    batch_norm_params = {
        "is_training": is_training,
        "decay": 0.995,
        "epsilon": 2e-5,
        "updates_collections": None,
        # the moving averages end up in the trainable variables collection
        "variables_collections": [tf.GraphKeys.TRAINABLE_VARIABLES],
    }
    with slim.arg_scope([slim.conv2d, slim.separable_conv2d], normalizer_fn=slim.batch_norm,
                        weights_regularizer=slim.l2_regularizer(weight_decay)):
        with slim.arg_scope([slim.batch_norm], **batch_norm_params) as scope:
            return scope


def inference(images, embedding_size=128, phase_train=False):
    with slim.arg_scope(face_net_arg_scope(is_training=phase_train)):
        net = slim.conv2d(images, 64, [3, 3], stride=2)
        for depth in (64, 128, 128):
            net = block(net, depth, 2)
        net = slim.flatten(slim.avg_pool2d(net, net.get_shape()[1:3]))
        return slim.fully_connected(net, embedding_size, activation_fn=None)


images = tf.placeholder(tf.float32, [None, 112, 112, 3])
embeddings = inference(images, phase_train=True)
saver = tf.train.Saver(tf.trainable_variables(), max_to_keep=3)
