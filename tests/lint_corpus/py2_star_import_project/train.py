"""Train the contrib-layers model; written for Python 2 (print statements, old except syntax)."""
import time

import tensorflow as tf

from model import *
from reader import *


def main(_):
    images, labels = read_inputs('train.tfrecord', batch_size=64, is_training=True)
    logits = build_model(images, 100, is_training=True)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    global_step = tf.train.get_or_create_global_step()
    optimizer = tf.train.AdamOptimizer(1e-3)
    train_op = optimizer.minimize(loss, global_step=global_step)  # expect: BN001
    saver = tf.train.Saver(tf.global_variables())
    with tf.train.MonitoredTrainingSession(checkpoint_dir='runs') as sess:
        start = time.time()
        while not sess.should_stop():
            try:
                _, step, l = sess.run([train_op, global_step, loss])
            except tf.errors.OutOfRangeError, e:
                print 'input exhausted:', e
                break
            if step % 100 == 0:
                print 'step %d loss %.3f (%.1f s)' % (step, l, time.time() - start)
    print saver


if __name__ == '__main__':
    tf.app.run()
