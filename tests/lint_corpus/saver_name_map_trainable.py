"""Optical-character classifier; checkpoints use explicit variable names for a C++ loader."""
import argparse

import tensorflow.compat.v1 as tf

tf.disable_eager_execution()


def glyph_net(glyphs, training):
    net = glyphs
    for i, filters in enumerate([32, 64, 96]):
        net = tf.layers.conv2d(net, filters, 3, padding="same", use_bias=False, name="conv%d" % i)
        net = tf.layers.batch_normalization(net, training=training, name="conv%d_bn" % i)
        net = tf.nn.relu(net)
        net = tf.layers.max_pooling2d(net, 2, 2)
    return tf.layers.dense(tf.layers.flatten(net), 3755, name="classes")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hwdb", default="casia_hwdb_train.npz")
    parser.add_argument("--export_ckpt", default="export/glyphs.ckpt")
    parser.add_argument("--steps", type=int, default=80000)
    args = parser.parse_args()

    glyphs = tf.placeholder(tf.float32, [None, 64, 64, 1], name="glyphs")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    training = tf.placeholder_with_default(False, [], name="training")
    logits = glyph_net(glyphs, training)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)

    train_saver = tf.train.Saver(tf.global_variables(), max_to_keep=2)
    # The C++ side looks variables up by op name; only the weights it needs are written.
    name_map = {var.op.name: var for var in tf.trainable_variables()}
    export_saver = tf.train.Saver(var_list=name_map)  # expect: BN003

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            batch_glyphs, batch_labels = sample(args.hwdb)
            sess.run(train_op, {glyphs: batch_glyphs, labels: batch_labels, training: True})
            if step % 10000 == 0:
                train_saver.save(sess, "runs/glyphs/model", global_step=step)
        export_saver.save(sess, args.export_ckpt)


def sample(path):
    import numpy as np
    return np.zeros((128, 64, 64, 1), np.float32), np.zeros((128,), np.int64)


if __name__ == "__main__":
    main()
