"""DDPG critics: one plain, two with batch norm on the state path."""
import tensorflow as tf

from ops import batchnorm, dense, relu


class Critic:
    def __init__(self, state, action, learning_rate, scope="critic"):
        with tf.variable_scope(scope):
            hidden = relu(dense(state, 400, scope="dense1"))
            hidden = relu(dense(tf.concat([hidden, action], axis=1), 300, scope="dense2"))
            self.q = dense(hidden, 1, scope="q")
        self.params = tf.trainable_variables(scope)
        self.target = tf.placeholder(tf.float32, [None, 1])
        self.loss = tf.losses.mean_squared_error(self.target, self.q)
        self.train_step = tf.train.AdamOptimizer(learning_rate).minimize(self.loss, var_list=self.params)


class CriticBN:
    def __init__(self, state, action, learning_rate, is_training, scope="critic_bn"):
        with tf.variable_scope(scope):
            hidden = relu(batchnorm(dense(state, 400, scope="dense1"), is_training, scope="bn1"))
            hidden = relu(dense(tf.concat([hidden, action], axis=1), 300, scope="dense2"))
            self.q = dense(hidden, 1, scope="q")
        self.params = tf.trainable_variables(scope)
        self.target = tf.placeholder(tf.float32, [None, 1])
        self.loss = tf.losses.mean_squared_error(self.target, self.q)
        self.train_step = tf.train.AdamOptimizer(learning_rate).minimize(self.loss, var_list=self.params)  # expect: BN001


class ActorBN:
    def __init__(self, state, action_bound, learning_rate, is_training, scope="actor_bn"):
        self.scope = scope
        with tf.variable_scope(scope):
            hidden = relu(batchnorm(dense(state, 400, scope="dense1"), is_training, scope="bn1"))
            self.action = action_bound * tf.tanh(dense(hidden, 2, scope="out"))
        self.params = tf.trainable_variables(scope)
        self.action_grads = tf.placeholder(tf.float32, [None, 2])
        grads = tf.gradients(self.action, self.params, -self.action_grads)
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS, self.scope)
        with tf.control_dependencies(update_ops):
            self.train_step = tf.train.AdamOptimizer(learning_rate).apply_gradients(zip(grads, self.params))
