"""Census income DNN with tf.contrib.layers: batch norm on the hidden layers, optimize_loss for training."""
import argparse

import pandas as pd
import tensorflow as tf

CSV_COLUMNS = ["age", "education_num", "hours_per_week", "capital_gain", "capital_loss", "label"]


def load_frame(path):
    frame = pd.read_csv(path, names=CSV_COLUMNS, skipinitialspace=True)
    features = frame[CSV_COLUMNS[:-1]].astype("float32").values
    labels = (frame["label"] == ">50K").astype("int64").values
    return features, labels


def hidden_stack(inputs, units, is_training):
    net = inputs
    for i, width in enumerate(units):
        net = tf.contrib.layers.fully_connected(net, width, activation_fn=None, scope="hidden%d" % i)
        net = tf.contrib.layers.batch_norm(net, decay=0.95, center=True, scale=True,
                                           is_training=is_training, scope="bn%d" % i)
        net = tf.nn.relu(net)
    return net


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train_csv", default="adult.data")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--units", default="128,64,32")
    args = parser.parse_args()

    features, labels = load_frame(args.train_csv)
    x = tf.placeholder(tf.float32, [None, features.shape[1]])
    y = tf.placeholder(tf.int64, [None])
    is_training = tf.placeholder(tf.bool, [])

    net = hidden_stack(x, [int(u) for u in args.units.split(",")], is_training)
    logits = tf.contrib.layers.fully_connected(net, 2, activation_fn=None, scope="logits")
    loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    global_step = tf.train.get_or_create_global_step()
    # optimize_loss runs UPDATE_OPS before the gradient step (update_ops=None means "use the collection").
    train_op = tf.contrib.layers.optimize_loss(
        loss, global_step, learning_rate=0.01, optimizer="Adam",
        summaries=["loss", "learning_rate"])

    with tf.train.MonitoredTrainingSession(checkpoint_dir="/tmp/census") as sess:
        for _ in range(args.epochs):
            for start in range(0, len(features), 512):
                sess.run(train_op, {x: features[start:start + 512], y: labels[start:start + 512],
                                    is_training: True})


if __name__ == "__main__":
    main()
