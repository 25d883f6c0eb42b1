"""Road-scene segmentation model: every block normalizes with slim batch_norm."""
import tensorflow as tf


class RoadModel(object):
    def __init__(self, height=256, width=512, classes=20):
        self.images = tf.placeholder(tf.float32, [None, height, width, 3])
        self.labels = tf.placeholder(tf.int64, [None, height, width])
        net = self.block(self.images, 16, 'initial')
        net = self.block(net, 64, 'encoder1')
        net = self.block(net, 16, 'decoder1')
        self.logits = tf.layers.conv2d(net, classes, 1)
        self.loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=self.labels, logits=self.logits))
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            self.train_op = tf.train.AdamOptimizer(5e-4).minimize(self.loss)

    def block(self, x, depth, scope):
        with tf.variable_scope(scope):
            x = tf.layers.conv2d(x, depth, 3, padding='same')
            x = tf.contrib.slim.batch_norm(x)  # expect: BN004
            return tf.nn.relu(x)
