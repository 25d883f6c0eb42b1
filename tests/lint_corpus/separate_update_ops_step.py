"""Graph-mode ECG arrhythmia classifier; BN statistics are refreshed by a separate run after each step."""
import argparse

import numpy as np
import tensorflow as tf


def ecg_net(signals, training):
    net = signals[..., tf.newaxis]
    for i, filters in enumerate([32, 32, 64, 64, 128]):
        net = tf.layers.conv1d(net, filters, 16, strides=2, padding="same", use_bias=False, name="conv%d" % i)
        net = tf.layers.batch_normalization(net, training=training, name="bn%d" % i)
        net = tf.nn.relu(net)
    net = tf.reduce_mean(net, axis=1)
    return tf.layers.dense(net, 5, name="rhythm")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--npz", default="mitbih_windows.npz")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=128)
    args = parser.parse_args()
    data = np.load(args.npz)
    train_x, train_y = data["x_train"].astype(np.float32), data["y_train"].astype(np.int64)

    signals = tf.placeholder(tf.float32, [None, 3600])
    rhythm = tf.placeholder(tf.int64, [None])
    training = tf.placeholder(tf.bool, [])
    logits = ecg_net(signals, training)
    loss = tf.losses.sparse_softmax_cross_entropy(rhythm, logits)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    # Gradient step and statistics refresh are two runs (see the loop below), so no dependency here.
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)  # noqa: BN001

    saver = tf.train.Saver(tf.global_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(args.epochs):
            order = np.random.permutation(len(train_x))
            for start in range(0, len(order), args.batch):
                feed = {signals: train_x[order[start:start + args.batch]],
                        rhythm: train_y[order[start:start + args.batch]], training: True}
                sess.run(train_op, feed)
                sess.run(update_ops, feed)
            saver.save(sess, "ecg/model.ckpt", global_step=epoch)


if __name__ == "__main__":
    main()
