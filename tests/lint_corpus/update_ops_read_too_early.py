"""Text-line recognizer (CRNN) with batch norm; the update ops are read at the top of main."""
import argparse

import tensorflow as tf

CHARSET = "0123456789abcdefghijklmnopqrstuvwxyz"


def crnn(images, training):
    net = images
    for i, filters in enumerate([64, 128, 256, 256]):
        net = tf.layers.conv2d(net, filters, 3, padding="same", use_bias=False, name="conv%d" % i)
        net = tf.layers.batch_normalization(net, training=training, name="bn%d" % i)
        net = tf.nn.relu(net)
        net = tf.layers.max_pooling2d(net, [2, 1] if i > 1 else 2, [2, 1] if i > 1 else 2)
    net = tf.squeeze(tf.reduce_mean(net, axis=1, keepdims=True), axis=1)
    cell_fw = tf.nn.rnn_cell.LSTMCell(256)
    cell_bw = tf.nn.rnn_cell.LSTMCell(256)
    outputs, _ = tf.nn.bidirectional_dynamic_rnn(cell_fw, cell_bw, net, dtype=tf.float32)
    return tf.layers.dense(tf.concat(outputs, 2), len(CHARSET) + 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train_tfrecord", default="synth90k_train.tfrecord")
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=300000)
    args = parser.parse_args()

    global_step = tf.train.get_or_create_global_step()
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)  # expect: BN002
    images = tf.placeholder(tf.float32, [args.batch_size, 32, 100, 1], name="images")
    targets = tf.sparse_placeholder(tf.int32, name="targets")
    seq_len = tf.placeholder(tf.int32, [args.batch_size], name="seq_len")
    training = tf.placeholder(tf.bool, name="training")

    logits = crnn(images, training)
    ctc_loss = tf.reduce_mean(tf.nn.ctc_loss(targets, tf.transpose(logits, [1, 0, 2]), seq_len))
    learning_rate = tf.train.exponential_decay(1e-3, global_step, 10000, 0.9, staircase=True)
    with tf.control_dependencies(update_ops):
        train_op = tf.train.AdadeltaOptimizer(learning_rate).minimize(ctc_loss, global_step=global_step)

    saver = tf.train.Saver(tf.global_variables(), max_to_keep=5)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            feed = next_feed(images, targets, seq_len, args.batch_size)
            feed[training] = True
            sess.run(train_op, feed_dict=feed)
            if step % 5000 == 0:
                saver.save(sess, "crnn/model", global_step=global_step)


def next_feed(images, targets, seq_len, batch_size):
    import numpy as np
    return {images: np.zeros((batch_size, 32, 100, 1), np.float32),
            targets: (np.zeros((1, 2), np.int64), np.zeros((1,), np.int32), (batch_size, 1)),
            seq_len: np.full((batch_size,), 25, np.int32)}


if __name__ == "__main__":
    main()
