"""A batch-norm helper that picks batch or population statistics with a Python `if`."""
import tensorflow as tf


class BatchNorm(object):
    def __init__(self, depth, decay=0.99, epsilon=1e-3):
        self.offset = tf.Variable(tf.zeros([depth]))
        self.scale = tf.Variable(tf.ones([depth]))
        self.pop_mean = tf.Variable(tf.zeros([depth]), trainable=False)
        self.pop_var = tf.Variable(tf.ones([depth]), trainable=False)
        self.decay = decay
        self.epsilon = epsilon

    def normalize(self, x, train=True):
        if train:
            mean, var = tf.nn.moments(x, [0, 1, 2])
            update_mean = tf.assign(self.pop_mean, self.pop_mean * self.decay + mean * (1 - self.decay))
            update_var = tf.assign(self.pop_var, self.pop_var * self.decay + var * (1 - self.decay))
            with tf.control_dependencies([update_mean, update_var]):
                return tf.nn.batch_normalization(x, mean, var, self.offset, self.scale, self.epsilon)
        return tf.nn.batch_normalization(x, self.pop_mean, self.pop_var, self.offset, self.scale,
                                         self.epsilon)
