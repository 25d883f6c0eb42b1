"""Two-tower retrieval model, still written against tf.compat.v1.layers."""
import tensorflow as tf


def tower(features, widths, training, name):
    with tf.compat.v1.variable_scope(name):
        net = features
        for i, width in enumerate(widths):
            net = tf.compat.v1.layers.dense(net, width, use_bias=False, name="dense%d" % i)
            net = tf.compat.v1.layers.batch_normalization(net, training=training, name="bn%d" % i)  # expect: BN010
            net = tf.nn.relu(net)
        return tf.math.l2_normalize(net, axis=-1)


def two_tower_scores(query_features, item_features, training):
    query = tower(query_features, [256, 128, 64], training, "query_tower")
    item = tower(item_features, [256, 128, 64], training, "item_tower")
    return tf.matmul(query, item, transpose_b=True)
