"""A neural factorization machine whose BN helper hands the mode placeholder to batch_norm itself.

One BN, whose `is_training` is the placeholder: predict runs it in inference mode and updates
nothing.
"""

import numpy as np
import tensorflow as tf
from tensorflow.contrib.layers.python.layers import batch_norm


class NeuralFM(object):
    def __init__(self, features, hidden=64, decay=0.999):
        self.features = features
        self.hidden = hidden
        self.decay = decay
        self._init_graph()

    def batch_norm_layer(self, x, train_phase, scope_bn):
        return batch_norm(x, decay=self.decay, center=True, scale=True, updates_collections=None,
                          is_training=train_phase, scope=scope_bn)

    def _init_graph(self):
        self.train_features = tf.placeholder(tf.int32, [None, None])
        self.train_labels = tf.placeholder(tf.float32, [None, 1])
        self.train_phase = tf.placeholder(tf.bool)
        embeddings = tf.Variable(tf.random_normal([self.features, self.hidden], 0.0, 0.01))
        summed = tf.reduce_sum(tf.nn.embedding_lookup(embeddings, self.train_features), 1)
        fm = 0.5 * (tf.square(summed) - summed)
        fm = self.batch_norm_layer(fm, self.train_phase, scope_bn="bn_fm")
        self.out = tf.layers.dense(tf.nn.relu(fm), 1)
        self.loss = tf.nn.l2_loss(self.train_labels - self.out)
        self.optimizer = tf.train.AdagradOptimizer(0.05).minimize(self.loss)
        self.sess = tf.Session()
        self.sess.run(tf.global_variables_initializer())

    def partial_fit(self, features, labels):
        feed = {self.train_features: features, self.train_labels: labels, self.train_phase: True}
        return self.sess.run((self.loss, self.optimizer), feed_dict=feed)[0]

    def evaluate(self, features, labels):
        feed = {self.train_features: features, self.train_labels: labels, self.train_phase: False}
        predictions = self.sess.run(self.out, feed_dict=feed)
        return float(np.sqrt(np.mean(np.square(predictions - labels))))
