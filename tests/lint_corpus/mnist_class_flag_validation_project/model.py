"""Course model: a hand-written BN whose mode is a Python bool fixed when the model is built."""
import tensorflow as tf


def batch_norm(inputs, size, is_train=True, decay=0.99):
    scale = tf.Variable(tf.ones([size]))
    shift = tf.Variable(tf.zeros([size]))
    pop_mean = tf.Variable(tf.zeros([size]), trainable=False)
    pop_var = tf.Variable(tf.ones([size]), trainable=False)
    if is_train:
        batch_mean, batch_var = tf.nn.moments(inputs, [0])
        train_mean = tf.assign(pop_mean, pop_mean * decay + batch_mean * (1 - decay))
        train_var = tf.assign(pop_var, pop_var * decay + batch_var * (1 - decay))
        with tf.control_dependencies([train_mean, train_var]):
            return tf.nn.batch_normalization(inputs, batch_mean, batch_var, shift, scale, 1e-3)
    return tf.nn.batch_normalization(inputs, pop_mean, pop_var, shift, scale, 1e-3)


def dense(inputs, size, activation, is_train):
    hidden = tf.layers.dense(inputs, size, use_bias=False)
    hidden = batch_norm(hidden, size, is_train)
    return activation(hidden) if activation is not None else hidden


class Model:
    def __init__(self, is_train, learning_rate=1e-3):
        self.x_ = tf.placeholder(tf.float32, [None, 784])
        self.y_ = tf.placeholder(tf.int64, [None])
        hidden = dense(self.x_, 392, tf.nn.relu, is_train)
        logits = tf.layers.dense(hidden, 10)
        self.loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=self.y_, logits=logits))
        self.acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), self.y_), tf.float32))
        self.pred = tf.argmax(logits, 1)
        self.train_op = tf.train.AdamOptimizer(learning_rate).minimize(self.loss)
        self.saver = tf.train.Saver()
