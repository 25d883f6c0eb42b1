"""Monocular depth estimation; checkpoints are written with only the trainable variables."""
import argparse
import os

import tensorflow as tf


def encoder_decoder(images, training):
    skips, net = [], images
    for i, filters in enumerate([32, 64, 128, 256]):
        net = tf.layers.conv2d(net, filters, 3, strides=2, padding="same", use_bias=False, name="enc%d" % i)
        net = tf.layers.batch_normalization(net, training=training, name="enc%d_bn" % i)
        net = tf.nn.elu(net)
        skips.append(net)
    for i, filters in enumerate([128, 64, 32, 16]):
        net = tf.layers.conv2d_transpose(net, filters, 3, strides=2, padding="same", name="dec%d" % i)
        net = tf.nn.elu(net)
        if i < 3:
            net = tf.concat([net, skips[2 - i]], axis=-1)
    return tf.layers.conv2d(net, 1, 3, padding="same", activation=tf.nn.sigmoid, name="disparity")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kitti_dir", default="/data/kitti")
    parser.add_argument("--checkpoint_dir", default="runs/depth")
    parser.add_argument("--pretrained", default="")
    parser.add_argument("--num_epochs", type=int, default=50)
    args = parser.parse_args()

    left = tf.placeholder(tf.float32, [8, 256, 512, 3], name="left")
    depth = tf.placeholder(tf.float32, [8, 256, 512, 1], name="depth")
    training = tf.placeholder(tf.bool, [], name="training")
    disparity = encoder_decoder(left, training)
    loss = tf.reduce_mean(tf.abs(disparity - depth))
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.train.AdamOptimizer(1e-4).minimize(loss)

    # Warm start from an encoder trained elsewhere: only its weights are wanted here.
    warm_start = tf.train.Saver(tf.trainable_variables())  # noqa: BN003
    vars_to_save = tf.trainable_variables()
    saver = tf.train.Saver(var_list=vars_to_save, max_to_keep=3)  # expect: BN003

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        if args.pretrained:
            warm_start.restore(sess, args.pretrained)
        for epoch in range(args.num_epochs):
            for left_batch, depth_batch in kitti_batches(args.kitti_dir):
                sess.run(train_op, {left: left_batch, depth: depth_batch, training: True})
            saver.save(sess, os.path.join(args.checkpoint_dir, "model"), global_step=epoch)


def kitti_batches(root):
    import numpy as np
    for _ in range(100):
        yield np.zeros((8, 256, 512, 3), np.float32), np.zeros((8, 256, 512, 1), np.float32)


if __name__ == "__main__":
    main()
