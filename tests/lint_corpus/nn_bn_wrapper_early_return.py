"""The articles' hand-written BN wrapper with an early return: batch statistics (and the population
updates) when training, the population statistics otherwise. BN is built in both modes."""
import tensorflow as tf


def batch_norm_wrapper(inputs, is_training, decay=0.999, epsilon=1e-3):
    size = inputs.get_shape()[-1]
    scale = tf.Variable(tf.ones([size]))
    beta = tf.Variable(tf.zeros([size]))
    pop_mean = tf.Variable(tf.zeros([size]), trainable=False)
    pop_var = tf.Variable(tf.ones([size]), trainable=False)
    if is_training:
        batch_mean, batch_var = tf.nn.moments(inputs, [0])
        train_mean = tf.assign(pop_mean, pop_mean * decay + batch_mean * (1 - decay))
        train_var = tf.assign(pop_var, pop_var * decay + batch_var * (1 - decay))
        with tf.control_dependencies([train_mean, train_var]):
            return tf.nn.batch_normalization(inputs, batch_mean, batch_var, beta, scale, epsilon)
    return tf.nn.batch_normalization(inputs, pop_mean, pop_var, beta, scale, epsilon)


def build_graph(is_training):
    x = tf.placeholder(tf.float32, shape=[None, 784])
    y_ = tf.placeholder(tf.float32, shape=[None, 10])
    hidden = tf.nn.sigmoid(batch_norm_wrapper(tf.layers.dense(x, 100, use_bias=False), is_training))
    logits = tf.layers.dense(hidden, 10)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
    train_step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1)), tf.float32))
    return (x, y_), train_step, accuracy, tf.train.Saver()
