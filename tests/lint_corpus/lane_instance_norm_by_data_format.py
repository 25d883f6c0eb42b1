"""A lane-segmentation encoder that normalizes each image over its own spatial axes (instance norm).

The axes depend on the data format; neither includes the batch axis, so evaluation does not depend
on the batch and there are no moving statistics to keep.
"""

import tensorflow as tf


def instancenorm(inputdata, epsilon=1e-5, data_format="NHWC", use_affine=True, name=None):
    shape = inputdata.get_shape().as_list()
    if data_format == "NHWC":
        axis = [1, 2]
        channels = shape[3]
        new_shape = [1, 1, 1, channels]
    else:
        axis = [2, 3]
        channels = shape[1]
        new_shape = [1, channels, 1, 1]
    mean, var = tf.nn.moments(inputdata, axis, keep_dims=True)
    if not use_affine:
        return tf.divide(inputdata - mean, tf.sqrt(var + epsilon), name="output")
    beta = tf.reshape(tf.get_variable("beta", [channels], initializer=tf.constant_initializer()), new_shape)
    gamma = tf.reshape(tf.get_variable("gamma", [channels], initializer=tf.constant_initializer(1.0)), new_shape)
    return tf.nn.batch_normalization(inputdata, mean, var, beta, gamma, epsilon, name=name)


def encoder(images):
    net = images
    for index, filters in enumerate((32, 64, 128)):
        with tf.variable_scope("block_%d" % index):
            net = tf.layers.conv2d(net, filters, 3, padding="same")
            net = tf.nn.relu(instancenorm(net))
    return net


images = tf.placeholder(tf.float32, [None, 256, 512, 3])
labels = tf.placeholder(tf.int32, [None, 256, 512])
logits = tf.layers.conv2d(encoder(images), 2, 1)
loss = tf.losses.sparse_softmax_cross_entropy(labels, tf.image.resize_images(logits, [256, 512]))
train_op = tf.train.AdamOptimizer(1e-4).minimize(loss)
