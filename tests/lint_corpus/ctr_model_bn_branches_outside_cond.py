"""A CTR model (factorization machine + deep part) with the shared BN-switch helper of its family.

Both BN copies are built before `tf.cond`, so `predict` and `evaluate` batches run the training
copy too and its in-place updates move the population statistics toward the evaluated data.
"""

import numpy as np
import tensorflow as tf
from tensorflow.contrib.layers.python.layers import batch_norm


class DeepFM(object):
    def __init__(self, feature_size, field_size, embedding_size=8, batch_norm_decay=0.995):
        self.feature_size = feature_size
        self.field_size = field_size
        self.embedding_size = embedding_size
        self.batch_norm_decay = batch_norm_decay
        self._init_graph()

    def batch_norm_layer(self, x, train_phase, scope_bn):
        bn_train = batch_norm(x, decay=self.batch_norm_decay, center=True, scale=True, updates_collections=None,
                              is_training=True, reuse=None, trainable=True, scope=scope_bn)
        bn_inference = batch_norm(x, decay=self.batch_norm_decay, center=True, scale=True,
                                  updates_collections=None, is_training=False, reuse=True, trainable=True,
                                  scope=scope_bn)
        z = tf.cond(train_phase, lambda: bn_train, lambda: bn_inference)  # expect: BN012
        return z

    def _init_graph(self):
        self.feat_index = tf.placeholder(tf.int32, [None, self.field_size], name="feat_index")
        self.label = tf.placeholder(tf.float32, [None, 1], name="label")
        self.train_phase = tf.placeholder(tf.bool, name="train_phase")
        embeddings = tf.Variable(tf.random_normal([self.feature_size, self.embedding_size], 0.0, 0.01))
        deep = tf.reshape(tf.nn.embedding_lookup(embeddings, self.feat_index),
                          [-1, self.field_size * self.embedding_size])
        for index in range(2):
            deep = tf.layers.dense(deep, 32)
            deep = tf.nn.relu(self.batch_norm_layer(deep, self.train_phase, scope_bn="bn_%d" % index))
        self.out = tf.nn.sigmoid(tf.layers.dense(deep, 1))
        self.loss = tf.losses.log_loss(self.label, self.out)
        self.optimizer = tf.train.AdamOptimizer(1e-3).minimize(self.loss)
        self.sess = tf.Session()
        self.sess.run(tf.global_variables_initializer())

    def fit_on_batch(self, xi, y):
        feed = {self.feat_index: xi, self.label: y, self.train_phase: True}
        return self.sess.run([self.loss, self.optimizer], feed_dict=feed)[0]

    def predict(self, xi):
        feed = {self.feat_index: xi, self.label: np.ones((len(xi), 1)), self.train_phase: False}
        return self.sess.run(self.out, feed_dict=feed)
