"""Face-attribute classifier; the checkpoint keeps trainable weights plus the BN moving statistics."""
import argparse
import os

import tensorflow as tf


def attribute_net(images, training):
    net = images
    for i, filters in enumerate([32, 64, 128, 256]):
        net = tf.layers.conv2d(net, filters, 3, strides=2, padding="same", use_bias=False, name="conv%d" % i)
        net = tf.layers.batch_normalization(net, training=training, momentum=1 - 1e-3, name="bn%d" % i)
        net = tf.nn.relu(net)
    net = tf.reduce_mean(net, axis=[1, 2])
    return tf.layers.dense(net, 40, name="attributes")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--celeba_dir", default="/data/celeba")
    parser.add_argument("--ckpt_dir", default="checkpoints/attributes")
    parser.add_argument("--steps", type=int, default=60000)
    args = parser.parse_args()

    filenames = tf.data.Dataset.list_files(os.path.join(args.celeba_dir, "*.jpg"))
    images = filenames.map(lambda f: tf.image.resize_images(tf.image.decode_jpeg(tf.read_file(f)), [128, 128]))
    images = images.batch(64).repeat().make_one_shot_iterator().get_next()
    attributes = tf.placeholder(tf.float32, [None, 40])
    training = tf.placeholder(tf.bool, [])

    logits = attribute_net(images / 255.0, training)
    loss = tf.losses.sigmoid_cross_entropy(attributes, logits)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.train.AdamOptimizer(2e-4).minimize(loss)

    # Only trainable variables plus the BN statistics: skips the Adam slots to keep checkpoints small.
    var_list = tf.trainable_variables()
    g_list = tf.global_variables()
    bn_moving_vars = [g for g in g_list if "moving_mean" in g.name]
    bn_moving_vars += [g for g in g_list if "moving_variance" in g.name]
    var_list += bn_moving_vars
    saver = tf.train.Saver(var_list=var_list, max_to_keep=5)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            sess.run(train_op, {attributes: load_attributes(step), training: True})
            if step % 5000 == 0:
                saver.save(sess, os.path.join(args.ckpt_dir, "model"), global_step=step)


def load_attributes(step):
    import numpy as np
    return np.zeros((64, 40), np.float32)


if __name__ == "__main__":
    main()
