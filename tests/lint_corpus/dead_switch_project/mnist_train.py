"""Train the CNN and report validation and test accuracy.

The mode placeholder is fed in every run but never handed to the model, which keeps its default
is_training=True: validation and test accuracy are computed with batch statistics.
"""
import tensorflow as tf

import cnn_model


def train(data, epochs=10, batch_size=50):
    is_training = tf.placeholder(tf.bool, name="MODE")  # expect: BN004
    x = tf.placeholder(tf.float32, [None, 784])
    y_ = tf.placeholder(tf.float32, [None, 10])
    y = cnn_model.CNN(x)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y))
    train_step = tf.train.AdamOptimizer(1e-3).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1)), tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer(), feed_dict={is_training: True})
        for epoch in range(epochs):
            for batch_xs, batch_ys in data.train.batches(batch_size):
                sess.run(train_step, feed_dict={x: batch_xs, y_: batch_ys, is_training: True})
            validation = sess.run(accuracy, feed_dict={x: data.validation.images, y_: data.validation.labels,
                                                       is_training: False})
            print("epoch %d validation accuracy %.4f" % (epoch, validation))
        return sess.run(accuracy, feed_dict={x: data.test.images, y_: data.test.labels, is_training: False})
