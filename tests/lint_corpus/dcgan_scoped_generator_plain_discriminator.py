"""DCGAN: the generator takes the mode (training or sampling); the discriminator, which only ever runs
while the GAN trains, leaves slim BN at its default."""
import tensorflow as tf
import tensorflow.contrib.slim as slim


def generator(z, is_training=True, reuse=False):
    with tf.variable_scope("generator", reuse=reuse):
        params = {"is_training": is_training, "decay": 0.999, "updates_collections": None}
        with slim.arg_scope([slim.conv2d_transpose], normalizer_fn=slim.batch_norm, normalizer_params=params):
            net = tf.reshape(slim.fully_connected(z, 4 * 4 * 256), [-1, 4, 4, 256])
            net = slim.conv2d_transpose(net, 128, [4, 4], 2)
            return slim.conv2d_transpose(net, 3, [4, 4], 2, normalizer_fn=None, activation_fn=tf.tanh)


def discriminator(images, reuse=False):
    with tf.variable_scope("discriminator", reuse=reuse):
        params = {"decay": 0.999, "updates_collections": None}
        with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm, normalizer_params=params):
            net = slim.conv2d(images, 64, [4, 4], 2, normalizer_fn=None, activation_fn=tf.nn.leaky_relu)
            net = slim.conv2d(net, 128, [4, 4], 2, activation_fn=tf.nn.leaky_relu)
            return slim.fully_connected(slim.flatten(net), 1, activation_fn=None)


def generate(checkpoint, count=64):
    images = generator(tf.random_normal([count, 100]), is_training=False)
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, checkpoint)
        return sess.run(images)
