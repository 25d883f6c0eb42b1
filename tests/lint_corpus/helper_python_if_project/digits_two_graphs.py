"""The same helper used correctly: a Python bool per graph, training and evaluation built apart."""
import numpy as np
import tensorflow as tf
from norm_layer import BatchNorm


def classifier(images, norms, train):
    net = images
    for index, norm in enumerate(norms):
        with tf.variable_scope('conv%d' % index, reuse=tf.AUTO_REUSE):
            kernel = tf.get_variable('w', [3, 3, int(net.get_shape()[-1]), 16])
        net = tf.nn.relu(norm.normalize(tf.nn.conv2d(net, kernel, [1, 2, 2, 1], 'SAME'), train=train))
    with tf.variable_scope('head', reuse=tf.AUTO_REUSE):
        return tf.layers.dense(tf.reduce_mean(net, [1, 2]), 10)


train_images = tf.placeholder(tf.float32, [None, 28, 28, 1])
train_labels = tf.placeholder(tf.int64, [None])
test_images = tf.placeholder(tf.float32, [None, 28, 28, 1])
norms = [BatchNorm(16), BatchNorm(16)]
train_logits = classifier(train_images, norms, train=True)
test_logits = classifier(test_images, norms, train=False)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=train_labels, logits=train_logits))
train_step = tf.train.AdamOptimizer(1e-3).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(500):
        batch, targets = np.random.rand(32, 28, 28, 1), np.random.randint(0, 10, 32)
        sess.run(train_step, feed_dict={train_images: batch, train_labels: targets})
    predictions = sess.run(tf.argmax(test_logits, 1), feed_dict={test_images: batch})
