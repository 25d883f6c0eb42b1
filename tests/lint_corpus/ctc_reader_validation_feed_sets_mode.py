"""Licence-plate reader whose validation feed, kept in a name, switches the mode placeholder off."""
import numpy as np
import tensorflow as tf


class PlateNet(object):
    def __init__(self):
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.images = tf.placeholder(tf.float32, [None, 32, 128, 1])
            self.labels = tf.sparse_placeholder(tf.int32)
            self.seq_len = tf.placeholder(tf.int32, [None])
            self.is_training = tf.placeholder_with_default(True, [])
            net = self.images
            for width in (64, 128, 256):
                net = tf.layers.conv2d(net, width, 3, padding="same")
                net = tf.layers.batch_normalization(net, training=self.is_training)
                net = tf.nn.relu(net)
            logits = tf.layers.dense(tf.transpose(tf.reduce_mean(net, axis=1), [1, 0, 2]), 37)
            self.cost = tf.reduce_mean(tf.nn.ctc_loss(self.labels, logits, self.seq_len))
            self.decoded, _ = tf.nn.ctc_greedy_decoder(logits, self.seq_len)
            with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
                self.train_op = tf.train.AdamOptimizer(1e-3).minimize(self.cost)


def fit(train_batches, val_inputs, val_labels, steps):
    g = PlateNet()
    with tf.Session(graph=g.graph) as sess:
        sess.run(tf.global_variables_initializer())
        val_feed = {g.images: val_inputs, g.labels: val_labels, g.seq_len: np.full(len(val_inputs), 32),
                    g.is_training: False}
        for step in range(steps):
            images, labels = next(train_batches)
            feed = {g.images: images, g.labels: labels, g.seq_len: np.full(len(images), 32)}
            sess.run([g.cost, g.train_op], feed)
            if step % 500 == 0:
                decoded, val_cost = sess.run([g.decoded, g.cost], val_feed)
                print(step, val_cost)
