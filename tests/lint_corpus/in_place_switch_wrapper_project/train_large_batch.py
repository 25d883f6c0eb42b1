import tensorflow as tf
from utility import *

x = tf.placeholder(tf.float32, [None, 64, 64, 3])
y = tf.placeholder(tf.int64, [None])
# the large-batch run leaves the updates to the collection, to run them once per step
net = tf.nn.relu(batch_norm(conv(x, 32, "conv1"), True, 0.9, 1e-5, False, name="bn1"))
net = tf.nn.relu(batch_norm(conv(net, 64, "conv2"), True, in_place_update=False, name="bn2"))
logits = tf.layers.dense(tf.reduce_mean(net, [1, 2]), 10)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)  # expect: BN001
