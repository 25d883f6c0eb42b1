"""Train the two-tower model with in-batch negatives (graph mode, tf.compat.v1)."""
import argparse

import tensorflow.compat.v1 as tf

from towers import two_tower_scores

tf.disable_v2_behavior()


def feature_norm(features, training, name):
    # Normalizes the raw dense features before they enter a tower.
    return tf.layers.batch_normalization(features, training=training, name=name)  # expect: BN010


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--interactions", default="gs://ranking/interactions-*.tfrecord")
    parser.add_argument("--batch_size", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=100000)
    args = parser.parse_args()

    query = tf.placeholder(tf.float32, [None, 300], name="query_features")
    item = tf.placeholder(tf.float32, [None, 300], name="item_features")
    training = tf.placeholder_with_default(False, [], name="training")
    scores = two_tower_scores(feature_norm(query, training, "query_bn"),
                              feature_norm(item, training, "item_bn"), training)
    labels = tf.range(tf.shape(scores)[0])
    loss = tf.losses.sparse_softmax_cross_entropy(labels, scores / 0.05)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)

    saver = tf.train.Saver(tf.global_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            query_batch, item_batch = next_interactions(args.batch_size)
            sess.run(train_op, {query: query_batch, item: item_batch, training: True})
            if step % 10000 == 0:
                saver.save(sess, "ckpt/two_tower", global_step=step)


def next_interactions(batch_size):
    import numpy as np
    return np.random.rand(batch_size, 300).astype("float32"), np.random.rand(batch_size, 300).astype("float32")


if __name__ == "__main__":
    main()
