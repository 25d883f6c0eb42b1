"""ResNet classifier object whose BN mode is a placeholder that the validation step feeds False."""
import tensorflow as tf


class ResNet(object):
    def __init__(self, num_classes, blocks=(2, 2, 2)):
        self.num_classes = num_classes
        self.blocks = blocks
        self.is_training = tf.placeholder_with_default(True, [], name="is_training")
        self.images = tf.placeholder(tf.float32, [None, 32, 32, 3])
        self.labels = tf.placeholder(tf.int32, [None, num_classes])
        self._build_graph()
        self.sess = tf.Session()
        self.sess.run(tf.global_variables_initializer())

    def _bn(self, x):
        return tf.layers.batch_normalization(x, training=self.is_training)

    def _build_graph(self):
        net = tf.layers.conv2d(self.images, 16, 3, padding="same")
        for depth, count in enumerate(self.blocks):
            for _ in range(count):
                net = tf.nn.relu(self._bn(tf.layers.conv2d(net, 16 * 2 ** depth, 3, padding="same")))
        self.logits = tf.layers.dense(tf.reduce_mean(net, [1, 2]), self.num_classes)
        self.loss = tf.losses.softmax_cross_entropy(self.labels, self.logits)
        hits = tf.equal(tf.argmax(self.logits, 1), tf.argmax(self.labels, 1))
        self.accuracy = tf.reduce_mean(tf.cast(hits, tf.float32))
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            self.train_op = tf.train.MomentumOptimizer(0.1, 0.9).minimize(self.loss)

    def train_one_batch(self, images, labels):
        _, loss = self.sess.run([self.train_op, self.loss], feed_dict={self.images: images, self.labels: labels})
        return loss

    def validate_one_batch(self, images, labels):
        feed = {self.images: images, self.labels: labels, self.is_training: False}
        return self.sess.run(self.accuracy, feed_dict=feed)
