"""Two-digit classifier: a mode placeholder is made, but the model is built with the constant True.

The placeholder is never fed or read, so the one graph keeps BN in training mode, and the
validation pass during training normalizes each validation batch with its own statistics.
"""

import math

import numpy as np
import tensorflow as tf

slim = tf.contrib.slim


def model(x, dropout, is_training):
    net = slim.conv2d(x, 32, 5, normalizer_fn=slim.batch_norm,
                      normalizer_params={"is_training": is_training, "updates_collections": None})
    net = slim.max_pool2d(net, 2)
    net = slim.dropout(slim.flatten(net), 1 - dropout, is_training=is_training)
    return slim.fully_connected(net, 10, activation_fn=None), slim.fully_connected(net, 10, activation_fn=None)


def main(train_set, valid_set, batch_size=64, epochs=10, drop_out=0.3):
    x = tf.placeholder(tf.float32, (None, 64, 64, 1))
    y = tf.placeholder(tf.int32, (None, 2))
    is_training = tf.placeholder(tf.bool, ())
    logit1, logit2 = model(x, drop_out, is_training=True)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logit1, labels=y[:, 0]))
    loss += tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logit2, labels=y[:, 1]))
    optimizer = tf.train.AdamOptimizer(1e-3).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())

    def evaluation(sets):
        predictions = []
        for _ in range(math.ceil(len(sets.images) / batch_size)):
            valid_x, valid_y = sets.get_next_batch()
            valid1, valid2 = sess.run([logit1, logit2], feed_dict={x: valid_x})  # expect: BN006
            predictions.append(np.stack([valid1.argmax(1), valid2.argmax(1)], 1))
        return np.concatenate(predictions)

    for epoch in range(epochs):
        for _ in range(len(train_set.images) // batch_size):
            batch_x, batch_y = train_set.get_next_batch()
            sess.run(optimizer, feed_dict={x: batch_x, y: batch_y})
        print(epoch, evaluation(valid_set)[:5])
