"""A conv helper that picks the BN mode with a Python `if`, called with the mode placeholder: the
branch is chosen once while the graph is built, whatever `is_training` is fed later."""
import tensorflow as tf
from tensorflow.contrib import slim


def conv_bn(net, filters, is_training, scope):
    net = slim.conv2d(net, filters, 3, activation_fn=None, scope=scope)
    if is_training:  # expect: BN004
        net = slim.batch_norm(net, is_training=True, scope=scope + "_bn")
    else:
        net = slim.batch_norm(net, is_training=False, scope=scope + "_bn", reuse=True)
    return tf.nn.relu(net)


images = tf.placeholder(tf.float32, [None, 64, 64, 3])
labels = tf.placeholder(tf.int64, [None])
is_training = tf.placeholder(tf.bool, name="is_training")
net = conv_bn(images, 32, is_training, "conv1")
net = conv_bn(net, 64, is_training, "conv2")
logits = slim.fully_connected(tf.reduce_mean(net, [1, 2]), 10, activation_fn=None)
loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
train_op = slim.learning.create_train_op(loss, tf.train.AdamOptimizer(1e-3))


def run_epoch(sess, batches, training):
    for batch_images, batch_labels in batches:
        sess.run(train_op if training else loss,
                 feed_dict={images: batch_images, labels: batch_labels, is_training: training})
