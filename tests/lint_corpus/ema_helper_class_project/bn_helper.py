"""A small class that keeps the population statistics of one convolutional BN layer.

The op returned by `get_updater()` must be run after each optimizer step.
"""
import tensorflow as tf


class ConvBatchNorm(object):
    def __init__(self, depth, averager, epsilon=1e-3):
        self.mean = tf.Variable(tf.zeros([depth]), trainable=False)
        self.variance = tf.Variable(tf.ones([depth]), trainable=False)
        self.offset = tf.Variable(tf.zeros([depth]))
        self.scale = tf.Variable(tf.ones([depth]))
        self.averager = averager
        self.epsilon = epsilon

    def get_updater(self):
        return self.averager.apply([self.mean, self.variance])

    def __call__(self, x, training):
        def batch_stats():
            mean, variance = tf.nn.moments(x, [0, 1, 2])
            with tf.control_dependencies([self.mean.assign(mean), self.variance.assign(variance)]):
                return tf.identity(mean), tf.identity(variance)

        def population_stats():
            return self.averager.average(self.mean), self.averager.average(self.variance)

        mean, variance = tf.cond(training, batch_stats, population_stats)
        return tf.nn.batch_normalization(x, mean, variance, self.offset, self.scale, self.epsilon)
