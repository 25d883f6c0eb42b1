"""A segmentation trainer that builds each feed in a name before running it."""

import numpy as np
import tensorflow.compat.v1 as tf

images = tf.placeholder(tf.float32, [None, 64, 64, 3])
masks = tf.placeholder(tf.int32, [None, 64, 64])
training = tf.placeholder(tf.bool)
net = tf.layers.conv2d(images, 16, 3, padding="same")
net = tf.nn.relu(tf.layers.batch_normalization(net, training=training))
logits = tf.layers.conv2d(net, 2, 1)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=masks, logits=logits))
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    optimizer = tf.train.AdamOptimizer(1e-3).minimize(loss)


def infer(sess, batches):
    outputs = []
    for batch in batches:
        feed_dict = {images: batch, training: True}
        outputs.append(sess.run(tf.argmax(logits, -1), feed_dict))  # expect: BN006
    return outputs


with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(5):
        feed_dict = {images: np.random.rand(4, 64, 64, 3), masks: np.zeros([4, 64, 64]), training: True}
        loss_val, _ = sess.run([loss, optimizer], feed_dict=feed_dict)  # the loss's value, a train step
        g_loss_val = sess.run(loss, feed_dict=feed_dict)  # the same batch again, still training
        _, test_time_loss = sess.run([optimizer, loss], feed_dict=feed_dict)  # fetches the train op: a step
        feed_dict = {images: np.random.rand(4, 64, 64, 3), masks: np.zeros([4, 64, 64]), training: True}
        eval_cost = sess.run(loss, feed_dict=feed_dict)  # expect: BN006
        print(epoch, loss_val, g_loss_val, eval_cost)
    infer(sess, [np.random.rand(1, 64, 64, 3)])
