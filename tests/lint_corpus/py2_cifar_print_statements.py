# -*- coding: utf-8 -*-
"""CIFAR-10 convnet written for Python 2 and TF 1.4: print statements, xrange, old except syntax."""
import os
import sys
import cPickle

import numpy as np
import tensorflow as tf

tf.app.flags.DEFINE_string('data_dir', '/tmp/cifar10', 'where the pickled batches are')
tf.app.flags.DEFINE_integer('max_steps', 20000, 'training steps')
FLAGS = tf.app.flags.FLAGS


def load_batch(path):
    try:
        f = open(path, 'rb')
    except IOError, e:
        print >>sys.stderr, 'cannot open %s: %s' % (path, `e`)
        sys.exit(1)
    batch = cPickle.load(f)
    f.close()
    return batch['data'].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), np.array(batch['labels'])


def inference(images, is_training):
	net = images
	for i, width in enumerate([32, 64, 128]):
		net = tf.layers.conv2d(net, width, 3, padding='same', use_bias=False, name='conv%d' % i)
		net = tf.layers.batch_normalization(net, training=is_training, name='bn%d' % i)
		net = tf.nn.relu(net)
        net = tf.reduce_mean(net, [1, 2])
	return tf.layers.dense(net, 10)


def main(_):
    images, labels = load_batch(os.path.join(FLAGS.data_dir, 'data_batch_1'))
    x = tf.placeholder(tf.float32, [None, 32, 32, 3])
    y = tf.placeholder(tf.int64, [None])
    is_training = tf.placeholder(tf.bool)
    logits = inference(x, is_training)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
    correct = tf.equal(tf.argmax(logits, 1), y)
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    train_op = tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss)  # expect: BN001
    saver = tf.train.Saver(tf.trainable_variables(), max_to_keep=5)  # expect: BN003

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    for step in xrange(FLAGS.max_steps):
        index = np.random.randint(0, len(images), 128)
        _, l = sess.run([train_op, loss], {x: images[index], y: labels[index], is_training: True})
        if step % 1000 == 0:
            acc = sess.run(accuracy, {x: images[:1000], y: labels[:1000], is_training: False})
            print 'step %6d  loss %.3f  accuracy %.3f' % (step, l, acc)
            saver.save(sess, os.path.join(FLAGS.data_dir, 'model.ckpt'), global_step=step)
    if os.stat(FLAGS.data_dir).st_mode & 0777 <> 0755:
        print 'note: the data folder is not 0755'


if __name__ == '__main__':
    tf.app.run()
