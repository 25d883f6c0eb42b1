"""Two-stage detector training: first the heads only, then the whole network.

Each stage's train op is a ``tf.no_op`` that depends on the optimizer step, the global-step
increment and the weight EMA, all nested inside a control dependency on UPDATE_OPS, so the BN
moving statistics update in both stages although neither ``minimize`` is itself wrapped.
"""
import tensorflow as tf


def conv_bn(net, filters, training, name):
    net = tf.layers.conv2d(net, filters, 3, padding="same", use_bias=False, name=name)
    net = tf.layers.batch_normalization(net, training=training, name=name + "_bn")
    return tf.nn.leaky_relu(net)


class Trainer(object):
    def __init__(self, learning_rate=1e-4, ema_decay=0.9995):
        self.images = tf.placeholder(tf.float32, [None, 416, 416, 3])
        self.targets = tf.placeholder(tf.float32, [None, 52, 52, 255])
        self.training = tf.placeholder(tf.bool, name="training")
        net = self.images
        for index, filters in enumerate([32, 64, 128, 256, 512]):
            net = conv_bn(net, filters, self.training, "backbone%d" % index)
            net = tf.layers.max_pooling2d(net, 2, 2) if index < 3 else net
        output = tf.layers.conv2d(net, 255, 1, name="conv_head")
        self.loss = tf.reduce_mean(tf.square(output - self.targets))
        self.global_step = tf.Variable(0, trainable=False, name="global_step")
        step_update = tf.assign_add(self.global_step, 1)
        moving_ave = tf.train.ExponentialMovingAverage(ema_decay).apply(tf.trainable_variables())

        head_vars = [v for v in tf.trainable_variables() if v.name.startswith("conv_head")]
        first_stage = tf.train.AdamOptimizer(learning_rate).minimize(self.loss, var_list=head_vars)
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            with tf.control_dependencies([first_stage, step_update]):
                with tf.control_dependencies([moving_ave]):
                    self.train_heads = tf.no_op()

        second_stage = tf.train.AdamOptimizer(learning_rate).minimize(self.loss)
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            with tf.control_dependencies([second_stage, step_update]):
                with tf.control_dependencies([moving_ave]):
                    self.train_all = tf.no_op()
        self.saver = tf.train.Saver(tf.global_variables(), max_to_keep=10)

    def run(self, sess, batches, head_epochs, epochs):
        for epoch in range(epochs):
            train_op = self.train_heads if epoch < head_epochs else self.train_all
            for images, targets in batches():
                sess.run([train_op, self.loss],
                         feed_dict={self.images: images, self.targets: targets, self.training: True})
            self.saver.save(sess, "ckpt/yolo", global_step=epoch)
