"""DDPG critic with batch norm: the target critic has its own BN layers, but the training program
only ever feeds its switch False, so they never run in training mode and their moving statistics
stay at 0 and 1 for every target Q value."""
import tensorflow as tf

LAYER1, LAYER2 = 400, 300


class CriticNetwork:
    def __init__(self, sess, state_dim, action_dim, tau=0.001):
        self.sess = sess
        self.state_input, self.action_input, self.q_value, self.is_training = self.create_network(
            state_dim, action_dim, "critic")
        (self.target_state_input, self.target_action_input, self.target_q_value,
         self.target_is_training) = self.create_network(state_dim, action_dim, "target_critic")
        self.y_input = tf.placeholder(tf.float32, [None, 1])
        self.cost = tf.reduce_mean(tf.square(self.y_input - self.q_value))
        self.optimizer = tf.train.AdamOptimizer(1e-3).minimize(self.cost)
        self.action_gradients = tf.gradients(self.q_value, self.action_input)

    def batch_norm_layer(self, x, training_phase, scope_bn):
        return tf.cond(
            training_phase,
            lambda: tf.contrib.layers.batch_norm(x, is_training=True, updates_collections=None,
                                                 scope=scope_bn, decay=0.9),
            lambda: tf.contrib.layers.batch_norm(x, is_training=False, updates_collections=None,
                                                 scope=scope_bn, decay=0.9, reuse=True))

    def create_network(self, state_dim, action_dim, scope):
        with tf.variable_scope(scope):
            state_input = tf.placeholder(tf.float32, [None, state_dim])
            action_input = tf.placeholder(tf.float32, [None, action_dim])
            is_training = tf.placeholder(tf.bool)
            net = self.batch_norm_layer(state_input, is_training, scope + "_bn0")
            net = tf.layers.dense(net, LAYER1, activation=tf.nn.relu)
            net = tf.layers.dense(tf.concat([net, action_input], 1), LAYER2, activation=tf.nn.relu)
            q_value = tf.layers.dense(net, 1)
        return state_input, action_input, q_value, is_training

    def train(self, y_batch, state_batch, action_batch):
        self.sess.run(self.optimizer, feed_dict={self.y_input: y_batch, self.state_input: state_batch,
                                                 self.action_input: action_batch, self.is_training: True})

    def gradients(self, state_batch, action_batch):
        return self.sess.run(self.action_gradients, feed_dict={self.state_input: state_batch,
                                                               self.action_input: action_batch,
                                                               self.is_training: False})[0]

    def target_q(self, state_batch, action_batch):
        return self.sess.run(self.target_q_value, feed_dict={self.target_state_input: state_batch,
                                                             self.target_action_input: action_batch,
                                                             self.target_is_training: False})  # expect: BN004
