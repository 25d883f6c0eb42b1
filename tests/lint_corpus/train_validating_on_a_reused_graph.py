"""Validation on a second graph that reuses the weights with is_training=False: nothing to report."""
import tensorflow as tf


def build(images, is_training):
    net = tf.layers.conv2d(images, 32, 3, padding='same')
    net = tf.nn.relu(tf.layers.batch_normalization(net, training=is_training))
    return tf.layers.dense(tf.reduce_mean(net, axis=[1, 2]), 10)


images = tf.placeholder(tf.float32, [None, 32, 32, 3])
labels = tf.placeholder(tf.int64, [None])
with tf.variable_scope('net'):
    logits = build(images, is_training=True)
with tf.variable_scope('net', reuse=True):
    eval_logits = build(images, is_training=False)
loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
eval_accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(eval_logits, 1), labels), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1000):
        sess.run(train_op, feed_dict={images: train_x[step % 50], labels: train_y[step % 50]})
        if step % 100 == 0:
            val_accuracy = sess.run(eval_accuracy, feed_dict={images: val_x, labels: val_y})
            print(step, val_accuracy)
