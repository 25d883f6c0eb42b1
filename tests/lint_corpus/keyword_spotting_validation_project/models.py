"""Keyword-spotting models; each takes the mode as `is_training`."""
import tensorflow as tf


def create_model(fingerprint_input, settings, architecture, is_training):
    if architecture == 'ds_cnn':
        return _ds_cnn(fingerprint_input, settings, is_training)
    raise ValueError('unknown architecture %r' % architecture)


def _ds_cnn(fingerprint_input, settings, is_training):
    net = tf.reshape(fingerprint_input, [-1, settings['frames'], settings['bins'], 1])
    for i, filters in enumerate((64, 64, 64)):
        net = tf.layers.separable_conv2d(net, filters, 3, padding='same', name='dw_%d' % i)
        net = tf.nn.relu(tf.layers.batch_normalization(net, training=is_training, name='bn_%d' % i))
    net = tf.reduce_mean(net, axis=[1, 2])
    return tf.layers.dense(net, settings['labels'], name='logits')
