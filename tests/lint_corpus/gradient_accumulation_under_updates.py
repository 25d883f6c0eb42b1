"""Go-engine policy/value net trained with gradient accumulation: the gradients are computed under
the BN updates and accumulated by a separate op that the loop fetches; the train op only applies
the accumulated sums."""
import tensorflow as tf


class TFProcess:
    def __init__(self, residual_blocks=6, filters=64):
        self.planes = tf.placeholder(tf.float32, [None, 18, 19 * 19])
        self.probs = tf.placeholder(tf.float32, [None, 362])
        self.winner = tf.placeholder(tf.float32, [None, 1])
        self.training = tf.placeholder(tf.bool)
        self.blocks, self.filters = residual_blocks, filters

    def conv_block(self, net, filters):
        net = tf.layers.conv2d(net, filters, 3, padding="same", data_format="channels_first", use_bias=False)
        net = tf.layers.batch_normalization(net, axis=1, training=self.training, center=True, scale=False)
        return tf.nn.relu(net)

    def tower(self, planes):
        net = self.conv_block(tf.reshape(planes, [-1, 18, 19, 19]), self.filters)
        for _ in range(self.blocks):
            net = self.conv_block(net, self.filters)
        policy = tf.layers.dense(tf.layers.flatten(net), 362)
        value = tf.tanh(tf.layers.dense(tf.layers.flatten(net), 1))
        return (tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=self.probs, logits=policy))
                + tf.reduce_mean(tf.squared_difference(self.winner, value)))

    def build(self):
        opt = tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True)
        self.loss = self.tower(self.planes)
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            grads = opt.compute_gradients(self.loss)
        sums, accumulate, clear = [], [], []
        for grad, var in grads:
            total = tf.get_variable("gsum/" + var.op.name, var.shape, trainable=False,
                                    initializer=tf.zeros_initializer())
            accumulate.append(tf.assign_add(total, grad))
            clear.append(tf.assign(total, tf.zeros_like(total)))
            sums.append((total, var))
        self.accumulate_op = tf.group(*accumulate)
        self.clear_op = tf.group(*clear)
        self.train_op = opt.apply_gradients(sums)

    def step(self, session, batches):
        for planes, probs, winner in batches:
            session.run([self.loss, self.accumulate_op],
                        feed_dict={self.planes: planes, self.probs: probs, self.winner: winner,
                                   self.training: True})
        session.run(self.train_op)
        session.run(self.clear_op)
