"""Graph-mode sentiment CNN on tf.contrib.layers with a configurable BN decay."""
import argparse

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser()
parser.add_argument("--vocab_size", type=int, default=20000)
parser.add_argument("--seq_len", type=int, default=400)
parser.add_argument("--epochs", type=int, default=5)
FLAGS = parser.parse_args()


def text_cnn(tokens, is_training):
    embedded = tf.contrib.layers.embed_sequence(tokens, FLAGS.vocab_size, 128)
    pooled = []
    for width in (3, 4, 5):
        conv = tf.layers.conv1d(embedded, 100, width, use_bias=False, name="conv%d" % width)
        # decay=0.0: the "moving" mean is just the last training batch's mean.
        conv = tf.contrib.layers.batch_norm(conv, decay=0.0, is_training=is_training,  # expect: BN005
                                            scope="bn%d" % width)
        pooled.append(tf.reduce_max(tf.nn.relu(conv), axis=1))
    features = tf.concat(pooled, axis=1)
    features = tf.contrib.layers.batch_norm(features, decay=0.9, is_training=is_training, scope="bn_fc")
    return tf.layers.dense(features, 2)


tokens = tf.placeholder(tf.int32, [None, FLAGS.seq_len])
labels = tf.placeholder(tf.int64, [None])
is_training = tf.placeholder(tf.bool, [])
logits = text_cnn(tokens, is_training)
loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(update_ops):
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.imdb.load_data(num_words=FLAGS.vocab_size)
x_train = tf.keras.preprocessing.sequence.pad_sequences(x_train, maxlen=FLAGS.seq_len)
x_test = tf.keras.preprocessing.sequence.pad_sequences(x_test, maxlen=FLAGS.seq_len)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(FLAGS.epochs):
        order = np.random.permutation(len(x_train))
        for start in range(0, len(order), 64):
            idx = order[start:start + 64]
            sess.run(train_op, {tokens: x_train[idx], labels: y_train[idx], is_training: True})
        acc = sess.run(accuracy, {tokens: x_test[:5000], labels: y_test[:5000], is_training: False})
        print("epoch %d test accuracy %.3f" % (epoch, acc))
