"""An old-style wrapper around tf.nn.batch_norm_with_global_normalization.  The mode placeholder is
tested with a Python `if` while the graph is built, so feeding it False later changes nothing."""
import numpy as np
import tensorflow as tf

images = tf.placeholder(tf.float32, [None, 28, 28, 1])
labels = tf.placeholder(tf.int64, [None])
is_train = tf.placeholder(tf.bool, name='is_train')


def conv_bn(x, depth, scope):
    with tf.variable_scope(scope):
        kernel = tf.get_variable('w', [3, 3, x.get_shape()[-1], depth])
        x = tf.nn.conv2d(x, kernel, [1, 1, 1, 1], 'SAME')
        beta = tf.Variable(tf.zeros([depth]), name='beta')
        gamma = tf.Variable(tf.ones([depth]), name='gamma')
        pop_mean = tf.Variable(tf.zeros([depth]), trainable=False)
        pop_var = tf.Variable(tf.ones([depth]), trainable=False)
        if is_train:  # expect: BN004
            mean, var = tf.nn.moments(x, [0, 1, 2])
            train_mean = tf.assign(pop_mean, pop_mean * 0.99 + mean * 0.01)
            train_var = tf.assign(pop_var, pop_var * 0.99 + var * 0.01)
            with tf.control_dependencies([train_mean, train_var]):
                x = tf.nn.batch_norm_with_global_normalization(x, mean, var, beta, gamma, 1e-3, True)
        else:
            x = tf.nn.batch_norm_with_global_normalization(x, pop_mean, pop_var, beta, gamma, 1e-3, True)
        return tf.nn.relu(x)


net = conv_bn(images, 16, 'conv1')
net = conv_bn(net, 32, 'conv2')
logits = tf.layers.dense(tf.reduce_mean(net, [1, 2]), 10)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
train_step = tf.train.AdamOptimizer(1e-3).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1000):
        batch = np.random.rand(64, 28, 28, 1)
        targets = np.random.randint(0, 10, 64)
        sess.run(train_step, feed_dict={images: batch, labels: targets, is_train: True})
    print(sess.run(accuracy, feed_dict={images: batch, labels: targets, is_train: False}))
