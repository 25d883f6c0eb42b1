"""WGAN-GP critic with layer norm (the gradient penalty rules out batch norm), built from moments."""
import tensorflow as tf


def Layernorm(name, norm_axes, inputs):
    mean, var = tf.nn.moments(inputs, norm_axes, keep_dims=True)
    with tf.variable_scope(name):
        offset = tf.get_variable("offset", [inputs.shape[-1]], initializer=tf.zeros_initializer())
        scale = tf.get_variable("scale", [inputs.shape[-1]], initializer=tf.ones_initializer())
    return tf.nn.batch_normalization(inputs, mean, var, offset, scale, 1e-5)


def critic(images):
    net = tf.layers.conv2d(images, 64, 5, strides=2, padding="same")
    net = tf.nn.leaky_relu(Layernorm("critic.ln1", [1, 2, 3], net))
    net = tf.layers.conv2d(net, 128, 5, strides=2, padding="same")
    net = tf.nn.leaky_relu(Layernorm("critic.ln2", [1, 2, 3], net))
    return tf.layers.dense(tf.layers.flatten(net), 1)


def sample_scores(sess, images, batch):
    return sess.run(critic(images), feed_dict={images: batch})
