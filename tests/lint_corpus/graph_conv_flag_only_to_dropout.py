"""Graph convolution layers that take the mode but hand it only to dropout; BN gets a literal True."""
import tensorflow as tf


def dropout(outs, keep_r, is_train, scope):
    if keep_r < 1.0:
        return tf.contrib.layers.dropout(outs, keep_r, is_training=is_train, scope=scope)
    return outs


def batch_norm(outs, is_train, scope, act_fn=tf.nn.relu):
    return tf.contrib.layers.batch_norm(
        outs, scale=True, activation_fn=act_fn, is_training=is_train, scope=scope, updates_collections=None
    )


def graph_conv(adj, outs, num_out, keep_r, is_train, scope):
    outs = dropout(outs, keep_r, is_train, scope + "/drop")
    outs = tf.layers.dense(tf.matmul(adj, outs), num_out, name=scope + "/dense")
    return batch_norm(outs, True, scope + "/norm")  # expect: BN004


def chan_conv(adj, outs, num_out, keep_r, is_train, scope):
    outs = dropout(outs, keep_r, is_train, scope + "/drop")
    outs = tf.layers.dense(tf.matmul(adj, outs), num_out, name=scope + "/dense")
    return batch_norm(outs, is_train, scope + "/norm")
