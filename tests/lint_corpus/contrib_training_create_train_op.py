"""Wide-residual regression of house prices with tf.contrib.layers and tf.contrib.training."""
import argparse

import numpy as np
import tensorflow as tf

layers = tf.contrib.layers


def residual_mlp(x, width, depth, is_training):
    net = layers.fully_connected(x, width, activation_fn=None)
    for i in range(depth):
        shortcut = net
        net = layers.batch_norm(net, decay=0.99, is_training=is_training, scope="bn_a%d" % i)
        net = layers.fully_connected(tf.nn.relu(net), width, activation_fn=None, scope="fc_a%d" % i)
        net = layers.batch_norm(net, decay=0.99, is_training=is_training, scope="bn_b%d" % i)
        net = layers.fully_connected(tf.nn.relu(net), width, activation_fn=None, scope="fc_b%d" % i)
        net = net + shortcut
    return layers.fully_connected(net, 1, activation_fn=None, scope="price")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", default="house_prices.csv")
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--logdir", default="/tmp/house_prices")
    args = parser.parse_args()

    table = np.loadtxt(args.csv, delimiter=",", skiprows=1, dtype=np.float32)
    features, prices = table[:, :-1], np.log1p(table[:, -1:])
    dataset = tf.data.Dataset.from_tensor_slices((features, prices)).shuffle(5000).repeat().batch(256)
    x, y = dataset.make_one_shot_iterator().get_next()

    predicted = residual_mlp(x, args.width, args.depth, is_training=True)
    loss = tf.losses.huber_loss(y, predicted)
    optimizer = tf.train.AdamOptimizer(1e-3)
    # create_train_op runs the UPDATE_OPS collection before each step (update_ops=None).
    train_op = tf.contrib.training.create_train_op(loss, optimizer, summarize_gradients=True)
    tf.contrib.training.train(train_op, args.logdir,
                              hooks=[tf.train.StopAtStepHook(num_steps=50000)],
                              save_checkpoint_secs=300)


if __name__ == "__main__":
    main()
