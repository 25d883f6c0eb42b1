"""Unsupervised depth learner: photometric loss, Supervisor loop."""
import tensorflow as tf
from nets import *


class DepthLearner(object):
    def __init__(self, batch_size=4, learning_rate=2e-4):
        self.batch_size = batch_size
        self.learning_rate = learning_rate

    def load_batch(self):
        target = tf.random_uniform([self.batch_size, 128, 416, 3])
        sources = tf.random_uniform([self.batch_size, 128, 416, 6])
        return target, sources

    def build_train_graph(self):
        target, sources = self.load_batch()
        with tf.name_scope('depth_prediction'):
            depth = depth_net(target, is_training=True)
        with tf.name_scope('motion_prediction'):
            motion = motion_net(target, sources, is_training=True)
        with tf.name_scope('loss'):
            smooth = tf.reduce_mean(tf.abs(depth[:, 1:] - depth[:, :-1]))
            total_loss = smooth + 0.01 * tf.reduce_mean(tf.square(motion))
        with tf.name_scope('train_op'):
            train_vars = [var for var in tf.trainable_variables()]
            optim = tf.train.AdamOptimizer(self.learning_rate, 0.9)
            self.grads_and_vars = optim.compute_gradients(total_loss, var_list=train_vars)
            self.train_op = optim.apply_gradients(self.grads_and_vars)  # expect: BN001
            self.global_step = tf.Variable(0, name='global_step', trainable=False)
            self.incr_global_step = tf.assign(self.global_step, self.global_step + 1)
        self.total_loss = total_loss

    def train(self, max_steps, logdir):
        self.build_train_graph()
        sv = tf.train.Supervisor(logdir=logdir, save_summaries_secs=0, saver=None)
        with sv.managed_session() as sess:
            for step in range(max_steps):
                _, loss = sess.run([self.train_op, self.total_loss])
                sess.run(self.incr_global_step)
                if step % 100 == 0:
                    print('step %d loss %.4f' % (step, loss))


if __name__ == '__main__':
    DepthLearner().train(1000, '/tmp/depth_logs')
