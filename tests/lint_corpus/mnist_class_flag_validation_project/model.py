"""Course model: a hand-written BN whose mode is a Python bool fixed when the model is built."""
import tensorflow as tf


def batch_norm(inputs, size, is_train=True, decay=0.99):
    with tf.variable_scope(None, default_name="bn"):
        gamma = tf.get_variable("gamma", [size], initializer=tf.ones_initializer())
        beta = tf.get_variable("beta", [size], initializer=tf.zeros_initializer())
        population = [
            tf.get_variable(name, [size], initializer=init, trainable=False)
            for name, init in (("mean", tf.zeros_initializer()), ("variance", tf.ones_initializer()))
        ]
    if not is_train:
        return tf.nn.batch_normalization(inputs, population[0], population[1], beta, gamma, 1e-3)
    moments = tf.nn.moments(inputs, [0])
    steps = [tf.assign_sub(p, (1 - decay) * (p - m)) for p, m in zip(population, moments)]
    with tf.control_dependencies(steps):
        return tf.nn.batch_normalization(inputs, moments[0], moments[1], beta, gamma, 1e-3)


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
