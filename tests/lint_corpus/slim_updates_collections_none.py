"""Speech-command keyword spotter; slim batch norm updates its statistics in place."""
import argparse

import tensorflow as tf

slim = tf.contrib.slim


def keyword_cnn(fingerprints, num_labels, is_training):
    # updates_collections=None: the moving averages are updated inside the BN op itself,
    # so nothing has to be added to the train op.
    bn_params = {"is_training": is_training, "decay": 0.999, "updates_collections": None}
    with slim.arg_scope([slim.conv2d, slim.fully_connected],
                        normalizer_fn=slim.batch_norm, normalizer_params=bn_params):
        net = tf.reshape(fingerprints, [-1, 98, 40, 1])
        net = slim.conv2d(net, 64, [20, 8], scope="conv1")
        net = slim.max_pool2d(net, [2, 2], scope="pool1")
        net = slim.conv2d(net, 64, [10, 4], scope="conv2")
        net = slim.flatten(net)
        net = slim.fully_connected(net, 128, scope="fc1")
    return slim.fully_connected(net, num_labels, activation_fn=None, scope="logits")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data_dir", default="/tmp/speech_dataset/")
    parser.add_argument("--how_many_training_steps", type=int, default=18000)
    parser.add_argument("--learning_rate", type=float, default=0.001)
    parser.add_argument("--train_dir", default="/tmp/speech_commands_train")
    args = parser.parse_args()

    fingerprints = tf.placeholder(tf.float32, [None, 98 * 40], name="fingerprint_input")
    ground_truth = tf.placeholder(tf.int64, [None], name="groundtruth_input")
    is_training = tf.placeholder(tf.bool, name="is_training")
    logits = keyword_cnn(fingerprints, 12, is_training)
    cross_entropy = tf.losses.sparse_softmax_cross_entropy(labels=ground_truth, logits=logits)
    global_step = tf.train.get_or_create_global_step()
    train_step = tf.train.GradientDescentOptimizer(args.learning_rate).minimize(
        cross_entropy, global_step=global_step)

    saver = tf.train.Saver(tf.global_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.how_many_training_steps):
            batch_x, batch_y = load_training_batch(args.data_dir, 100)
            sess.run(train_step, {fingerprints: batch_x, ground_truth: batch_y, is_training: True})
            if step % 1000 == 0:
                saver.save(sess, args.train_dir + "/conv.ckpt", global_step=step)


def load_training_batch(data_dir, batch_size):
    import numpy as np
    return np.zeros((batch_size, 98 * 40), "float32"), np.zeros((batch_size,), "int64")


if __name__ == "__main__":
    main()
