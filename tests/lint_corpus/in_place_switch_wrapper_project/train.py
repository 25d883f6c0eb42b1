import tensorflow as tf
import numpy as np
from utility import *

x = tf.placeholder(tf.float32, [None, 64, 64, 3])
y = tf.placeholder(tf.int64, [None])
is_training = tf.placeholder(tf.bool, [])

net = tf.nn.relu(batch_norm(conv(x, 32, "conv1"), is_training, name="bn1"))
net = tf.nn.relu(batch_norm(conv(net, 64, "conv2"), is_training, 0.99, name="bn2"))
logits = tf.layers.dense(tf.reduce_mean(net, [1, 2]), 10)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1000):
        sess.run(train_op, {x: np.zeros([8, 64, 64, 3]), y: np.zeros([8]), is_training: True})
