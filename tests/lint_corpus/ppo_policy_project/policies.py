"""Impala-style CNN policy for a procedurally generated game; optional batch norm."""
import tensorflow as tf

USE_BATCH_NORM = True


def impala_cnn(images, depths=(16, 32, 32)):
    out = tf.cast(images, tf.float32) / 255.0
    for depth in depths:
        out = tf.layers.conv2d(out, depth, 3, padding="same")
        if USE_BATCH_NORM:
            out = tf.contrib.layers.batch_norm(out, center=True, scale=True, is_training=True)
        out = tf.layers.max_pooling2d(tf.nn.relu(out), 3, 2, padding="same")
    return tf.layers.dense(tf.layers.flatten(out), 256, activation=tf.nn.relu)


class CnnPolicy(object):
    def __init__(self, sess, ob_shape, num_actions, batch):
        self.X = tf.placeholder(tf.uint8, [batch] + list(ob_shape))
        with tf.variable_scope("model", reuse=tf.AUTO_REUSE):
            hidden = impala_cnn(self.X)
            self.logits = tf.layers.dense(hidden, num_actions)
            self.vf = tf.layers.dense(hidden, 1)[:, 0]
        self.sess = sess

    def step(self, obs):
        return self.sess.run([self.logits, self.vf], {self.X: obs})
