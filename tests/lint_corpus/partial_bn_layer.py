"""Pose-estimation hourglass; BN arguments are bound once with functools.partial."""
import argparse
import functools

import tensorflow as tf


def hourglass(x, depth, filters, bn):
    upper = tf.layers.conv2d(x, filters, 3, padding="same")
    lower = tf.layers.max_pooling2d(x, 2, 2)
    lower = tf.nn.relu(bn(tf.layers.conv2d(lower, filters, 3, padding="same", use_bias=False)))
    if depth > 1:
        lower = hourglass(lower, depth - 1, filters, bn)
    lower = tf.image.resize_nearest_neighbor(lower, tf.shape(upper)[1:3])
    return upper + lower


def pose_net(images, num_joints, is_training):
    # training= is bound here, so every bn(...) call below runs in the right mode.
    bn = functools.partial(tf.layers.batch_normalization, training=is_training, momentum=0.9)
    net = tf.nn.relu(bn(tf.layers.conv2d(images, 64, 7, strides=2, padding="same", use_bias=False)))
    net = hourglass(net, depth=4, filters=128, bn=bn)
    return tf.layers.conv2d(net, num_joints, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--annotations", default="mpii/train.json")
    parser.add_argument("--epochs", type=int, default=100)
    args = parser.parse_args()

    images = tf.placeholder(tf.float32, [None, 256, 256, 3], name="images")
    heatmaps = tf.placeholder(tf.float32, [None, 64, 64, 16], name="heatmaps")
    is_training = tf.placeholder(tf.bool, name="is_training")
    predicted = pose_net(images, 16, is_training)
    predicted = tf.image.resize_bilinear(predicted, [64, 64])
    loss = tf.losses.mean_squared_error(heatmaps, predicted)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.train.RMSPropOptimizer(2.5e-4).minimize(loss)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(args.epochs):
            for batch_images, batch_heatmaps in load_mpii(args.annotations):
                sess.run(train_op, {images: batch_images, heatmaps: batch_heatmaps, is_training: True})


def load_mpii(path):
    import json
    with open(path) as handle:
        return json.load(handle)


if __name__ == "__main__":
    main()
