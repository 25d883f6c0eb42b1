"""Wide ResNet child model: the train op is a group of the BN updates that waits for the gradient step."""
import tensorflow as tf


def build_wrn(images, num_classes, is_training):
    net = tf.layers.conv2d(images, 16, 3, padding="same", use_bias=False)
    for filters in (32, 64, 128):
        net = tf.layers.batch_normalization(net, momentum=0.9, training=is_training)
        net = tf.layers.conv2d(tf.nn.relu(net), filters, 3, strides=2, padding="same", use_bias=False)
    net = tf.nn.relu(tf.layers.batch_normalization(net, momentum=0.9, training=is_training))
    return tf.layers.dense(tf.reduce_mean(net, [1, 2]), num_classes)


class ChildModel(object):
    def __init__(self, images, labels, learning_rate):
        logits = build_wrn(images, 10, is_training=True)
        self.cost = tf.losses.softmax_cross_entropy(labels, logits)
        self.global_step = tf.train.get_or_create_global_step()
        tvars = tf.trainable_variables()
        grads = tf.gradients(self.cost, tvars)
        grads, _ = tf.clip_by_global_norm(grads, 5.0)
        optimizer = tf.train.MomentumOptimizer(learning_rate, 0.9, use_nesterov=True)
        apply_op = optimizer.apply_gradients(zip(grads, tvars), global_step=self.global_step)
        train_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies([apply_op]):
            self.train_op = tf.group(*train_ops)
