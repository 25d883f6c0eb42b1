"""ResNet as in the official models: a base class whose __call__ builds BN, a CIFAR subclass."""
import tensorflow as tf


def batch_norm(inputs, training):
    return tf.layers.batch_normalization(inputs, momentum=0.997, epsilon=1e-5, fused=True, training=training)


def building_block(inputs, filters, training, strides):
    shortcut = tf.layers.conv2d(inputs, filters, 1, strides=strides, padding="same", use_bias=False)
    inputs = tf.nn.relu(batch_norm(inputs, training))
    inputs = tf.layers.conv2d(inputs, filters, 3, strides=strides, padding="same", use_bias=False)
    inputs = tf.nn.relu(batch_norm(inputs, training))
    return tf.layers.conv2d(inputs, filters, 3, padding="same", use_bias=False) + shortcut


class Model(object):
    def __init__(self, resnet_size, num_classes):
        self.blocks = (resnet_size - 2) // 6
        self.num_classes = num_classes

    def __call__(self, inputs, is_training):
        inputs = tf.layers.conv2d(inputs, 16, 3, padding="same", use_bias=False)
        for stage, filters in enumerate((16, 32, 64)):
            for index in range(self.blocks):
                inputs = building_block(inputs, filters, is_training, 2 if stage and not index else 1)
        inputs = tf.nn.relu(batch_norm(inputs, is_training))
        return tf.layers.dense(tf.reduce_mean(inputs, [1, 2]), self.num_classes)


class Cifar10Model(Model):
    def __init__(self, resnet_size):
        super(Cifar10Model, self).__init__(resnet_size, num_classes=10)


def cifar10_model_fn(features, resnet_size, model_class, is_training=True):
    model = model_class(resnet_size)
    return model(tf.reshape(features, [-1, 32, 32, 3]), is_training)
