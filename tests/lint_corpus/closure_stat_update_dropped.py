"""Graph-mode point-cloud classifier (PointNet-like) with its own batch-norm helper."""
import argparse

import numpy as np
import tensorflow as tf


def batch_norm_template(inputs, is_training, scope, moments_dims, bn_decay=0.9):
    """Batch norm for fully connected and conv layers, keeping population statistics by hand."""
    with tf.variable_scope(scope):
        num_channels = inputs.get_shape()[-1].value
        beta = tf.Variable(tf.constant(0.0, shape=[num_channels]), name="beta")
        gamma = tf.Variable(tf.constant(1.0, shape=[num_channels]), name="gamma")
        pop_mean = tf.Variable(tf.zeros([num_channels]), trainable=False, name="pop_mean")
        pop_var = tf.Variable(tf.ones([num_channels]), trainable=False, name="pop_var")

        def batch_statistics():
            batch_mean, batch_var = tf.nn.moments(inputs, moments_dims, name="moments")
            pop_mean.assign(pop_mean * bn_decay + batch_mean * (1 - bn_decay))  # expect: BN007
            pop_var.assign(pop_var * bn_decay + batch_var * (1 - bn_decay))  # expect: BN007
            return batch_mean, batch_var

        mean, var = batch_statistics() if is_training else (pop_mean, pop_var)
        return tf.nn.batch_normalization(inputs, mean, var, beta, gamma, 1e-3)


def pointnet(points, is_training, num_classes=40):
    net = tf.expand_dims(points, -1)
    for i, width in enumerate([64, 64, 128, 1024]):
        net = tf.layers.conv2d(net, width, [1, 3 if i == 0 else 1], use_bias=False, name="mlp%d" % i)
        net = tf.nn.relu(batch_norm_template(net, is_training, "bn%d" % i, [0, 1, 2]))
    net = tf.reduce_max(net, axis=1)
    net = tf.layers.flatten(net)
    net = tf.layers.dense(net, 512, use_bias=False, name="fc1")
    net = tf.nn.relu(batch_norm_template(net, is_training, "fc1_bn", [0]))
    return tf.layers.dense(net, num_classes, name="fc2")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--h5", default="modelnet40_ply_hdf5_2048/train.npz")
    parser.add_argument("--epochs", type=int, default=250)
    args = parser.parse_args()
    data = np.load(args.h5)

    points = tf.placeholder(tf.float32, [32, 1024, 3])
    labels = tf.placeholder(tf.int64, [32])
    logits = pointnet(points, is_training=True)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(args.epochs):
            for start in range(0, len(data["labels"]) - 32, 32):
                sess.run(train_op, {points: data["points"][start:start + 32, :1024],
                                    labels: data["labels"][start:start + 32]})


if __name__ == "__main__":
    main()
