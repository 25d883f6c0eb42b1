"""Audio tagging CNN with a custom batch norm whose statistic updates are collected in a list."""
import argparse

import tensorflow as tf

BN_DECAY = 0.99


class BatchNormLayers(object):
    """Creates BN layers and remembers every population-statistics update they make."""

    def __init__(self):
        self.stat_updates = []

    def __call__(self, x, training, name):
        channels = x.get_shape().as_list()[-1]
        with tf.variable_scope(name):
            gamma = tf.get_variable("gamma", [channels], initializer=tf.ones_initializer())
            beta = tf.get_variable("beta", [channels], initializer=tf.zeros_initializer())
            moving_mean = tf.get_variable("moving_mean", [channels], trainable=False,
                                          initializer=tf.zeros_initializer())
            moving_var = tf.get_variable("moving_variance", [channels], trainable=False,
                                         initializer=tf.ones_initializer())
            if not training:
                return tf.nn.batch_normalization(x, moving_mean, moving_var, beta, gamma, 1e-5)
            mean, var = tf.nn.moments(x, axes=[0, 1, 2])
            self.stat_updates.append(tf.assign(moving_mean, BN_DECAY * moving_mean + (1 - BN_DECAY) * mean))
            self.stat_updates.append(tf.assign(moving_var, BN_DECAY * moving_var + (1 - BN_DECAY) * var))
            return tf.nn.batch_normalization(x, mean, var, beta, gamma, 1e-5)


def tagger(spectrograms, num_tags, bn, training):
    net = spectrograms[..., tf.newaxis]
    for i, filters in enumerate([32, 64, 128]):
        net = tf.layers.conv2d(net, filters, 3, padding="same", use_bias=False, name="conv%d" % i)
        net = tf.nn.elu(bn(net, training, "bn%d" % i))
        net = tf.layers.max_pooling2d(net, 2, 2)
    net = tf.reduce_max(net, axis=[1, 2])
    return tf.layers.dense(net, num_tags)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tfrecords", default="data/magnatagatune-train.tfrecord")
    parser.add_argument("--steps", type=int, default=30000)
    args = parser.parse_args()

    dataset = tf.data.TFRecordDataset(args.tfrecords).map(parse_example).shuffle(1000).repeat().batch(32)
    spectrograms, tags = dataset.make_one_shot_iterator().get_next()
    bn = BatchNormLayers()
    logits = tagger(spectrograms, 50, bn, training=True)
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tags, logits=logits))
    step = tf.train.AdamOptimizer(1e-3).minimize(loss)
    # The statistic updates are not in UPDATE_OPS; grouping them is what makes them run.
    train_op = tf.group(step, *bn.stat_updates)

    with tf.train.MonitoredTrainingSession(checkpoint_dir="runs/tagger") as sess:
        for _ in range(args.steps):
            sess.run(train_op)


def parse_example(record):
    parsed = tf.parse_single_example(record, {"mel": tf.FixedLenFeature([96, 1366], tf.float32),
                                              "tags": tf.FixedLenFeature([50], tf.float32)})
    return parsed["mel"], parsed["tags"]


if __name__ == "__main__":
    main()
