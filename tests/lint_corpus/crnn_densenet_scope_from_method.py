"""CRNN's DenseNet backbone: the constructor opens the BN arg scope that its own method returns."""
import tensorflow as tf

slim = tf.contrib.slim


class DenseNet(object):
    def __init__(self, inputs, is_training=True, layers_per_block=4, growth_rate=12):
        self.is_training = is_training
        self.layers_per_block = layers_per_block
        self.growth_rate = growth_rate
        with slim.arg_scope(self.arg_scope(is_training)):
            self.net = self.build_net(inputs)

    def build_net(self, inputs):
        net = slim.conv2d(inputs, 64, [3, 3], scope="conv1")
        for index in range(3):
            with tf.variable_scope("dense_block_%d" % index):
                net = slim.repeat(net, self.layers_per_block, self.block_inner_layer)
        return net

    def block_inner_layer(self, inputs, scope="block_inner_layer"):
        with tf.variable_scope(scope):
            output = self.bottleneck(inputs)
            return tf.concat([inputs, self.composite_function(output, self.growth_rate)], axis=3)

    def bottleneck(self, inputs):
        output = tf.nn.relu(slim.batch_norm(inputs))
        output = slim.conv2d(output, self.growth_rate * 4, [1, 1], activation_fn=None)
        return slim.dropout(output, 0.8, is_training=self.is_training)

    def composite_function(self, inputs, num_channels):
        output = tf.nn.relu(slim.batch_norm(inputs))
        return slim.conv2d(output, num_channels, [3, 3], activation_fn=None)

    def arg_scope(self, is_training=True, weight_decay=1e-4):
        batch_norm_params = {"is_training": is_training, "decay": 0.997, "epsilon": 1e-5}
        with slim.arg_scope([slim.conv2d], weights_regularizer=slim.l2_regularizer(weight_decay)):
            with slim.arg_scope([slim.batch_norm], **batch_norm_params) as arg_sc:
                return arg_sc


def infer(sess, images):
    backbone = DenseNet(images, is_training=False)
    return sess.run(backbone.net)
