"""A detector fine-tuned with its backbone's BN frozen, as detection code does with one image a batch.

Every BN of the backbone gets `is_training=False` through the wrapper's default, so no update op
exists and the bare `apply_gradients` misses nothing.
"""

import tensorflow as tf

slim = tf.contrib.slim


def batch_norm(inputs, name, is_training=False, relu=True):
    net = slim.batch_norm(inputs, scale=True, is_training=is_training, scope=name)
    return tf.nn.relu(net) if relu else net


def backbone(images):
    net = slim.conv2d(images, 64, 7, stride=2, activation_fn=None, scope="conv1")
    net = batch_norm(net, "bn_conv1")
    for index in range(3):
        shortcut = net
        net = slim.conv2d(net, 64, 3, activation_fn=None, scope="res%d_a" % index)
        net = batch_norm(net, "bn%d_a" % index)
        net = slim.conv2d(net, 64, 3, activation_fn=None, scope="res%d_b" % index)
        net = tf.nn.relu(shortcut + batch_norm(net, "bn%d_b" % index, relu=False))
    return net


images = tf.placeholder(tf.float32, [1, None, None, 3])
boxes = tf.placeholder(tf.float32, [None, 4])
features = backbone(images)
regression = tf.reduce_mean(slim.conv2d(features, 4, 1, activation_fn=None), [1, 2])
loss = tf.losses.huber_loss(boxes, tf.tile(regression, [tf.shape(boxes)[0], 1]))
optimizer = tf.train.MomentumOptimizer(1e-3, 0.9)
grads = optimizer.compute_gradients(loss)
train_op = optimizer.apply_gradients(grads, global_step=tf.train.get_or_create_global_step())
