"""PPO: the model object is handed a policy class and builds its train op from it."""
import numpy as np
import tensorflow as tf


class Model(object):
    def __init__(self, *, policy, ob_shape, num_actions, nbatch, ent_coef=0.01, max_grad_norm=0.5):
        sess = tf.get_default_session()
        train_model = policy(sess, ob_shape, num_actions, nbatch)
        # read here, used nowhere: the train op below does not depend on it
        norm_update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        self.actions = tf.placeholder(tf.int32, [None])
        self.advantages = tf.placeholder(tf.float32, [None])
        self.returns = tf.placeholder(tf.float32, [None])
        self.lr = tf.placeholder(tf.float32, [])
        neglogp = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=self.actions, logits=train_model.logits)
        pg_loss = tf.reduce_mean(self.advantages * neglogp)
        vf_loss = tf.reduce_mean(tf.square(train_model.vf - self.returns))
        entropy = tf.reduce_mean(-tf.reduce_sum(tf.nn.softmax(train_model.logits) * tf.nn.log_softmax(train_model.logits), 1))
        loss = pg_loss - entropy * ent_coef + vf_loss * 0.5
        params = tf.trainable_variables("model")
        grads = tf.gradients(loss, params)
        grads, _ = tf.clip_by_global_norm(grads, max_grad_norm)
        trainer = tf.train.AdamOptimizer(learning_rate=self.lr, epsilon=1e-5)
        self._train = trainer.apply_gradients(list(zip(grads, params)))  # expect: BN001
        self.losses = [pg_loss, vf_loss, entropy]
        self.sess = sess
        self.train_model = train_model

    def train(self, lr, obs, returns, actions, values):
        advantages = returns - values
        advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
        feed = {self.train_model.X: obs, self.actions: actions, self.advantages: advantages,
                self.returns: returns, self.lr: lr}
        return self.sess.run(self.losses + [self._train], feed)[:-1]


def explained_variance(predicted, returns):
    return 1 - np.var(returns - predicted) / np.var(returns)
