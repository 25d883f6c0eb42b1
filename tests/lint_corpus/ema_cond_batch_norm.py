"""Conv net with the classic tf.cond + ExponentialMovingAverage batch norm from StackOverflow.

The switch is right; the answer's `decay=0.5` keeps about the last two batches' moments as the
population statistics.
"""
import argparse

import tensorflow as tf


def batch_norm(x, n_out, phase_train, scope="bn"):
    """Batch normalization on convolutional maps.

    Args:
        x: 4D tensor, [batch, height, width, depth].
        n_out: depth of the input maps.
        phase_train: boolean tf.Variable or placeholder, true for the training phase.
    """
    with tf.variable_scope(scope):
        beta = tf.Variable(tf.constant(0.0, shape=[n_out]), name="beta", trainable=True)
        gamma = tf.Variable(tf.constant(1.0, shape=[n_out]), name="gamma", trainable=True)
        batch_mean, batch_var = tf.nn.moments(x, [0, 1, 2], name="moments")
        ema = tf.train.ExponentialMovingAverage(decay=0.5)  # expect: BN005

        def mean_var_with_update():
            ema_apply_op = ema.apply([batch_mean, batch_var])
            with tf.control_dependencies([ema_apply_op]):
                return tf.identity(batch_mean), tf.identity(batch_var)

        mean, var = tf.cond(phase_train, mean_var_with_update,
                            lambda: (ema.average(batch_mean), ema.average(batch_var)))
        return tf.nn.batch_normalization(x, mean, var, beta, gamma, 1e-3)


def conv_layer(x, shape, phase_train, name):
    with tf.variable_scope(name):
        kernel = tf.get_variable("w", shape, initializer=tf.glorot_uniform_initializer())
        conv = tf.nn.conv2d(x, kernel, strides=[1, 1, 1, 1], padding="SAME")
        return tf.nn.relu(batch_norm(conv, shape[-1], phase_train))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=3000)
    args = parser.parse_args()

    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.cifar10.load_data()
    images = tf.placeholder(tf.float32, [None, 32, 32, 3])
    labels = tf.placeholder(tf.int64, [None])
    phase_train = tf.placeholder(tf.bool, name="phase_train")

    net = conv_layer(images / 255.0, [5, 5, 3, 32], phase_train, "conv1")
    net = tf.nn.max_pool(net, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    net = conv_layer(net, [5, 5, 32, 64], phase_train, "conv2")
    logits = tf.layers.dense(tf.layers.flatten(net), 10)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train_op = tf.train.AdamOptimizer(1e-4).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(args.iterations):
            start = (i * 50) % len(x_train)
            sess.run(train_op, {images: x_train[start:start + 50], labels: y_train[start:start + 50, 0],
                                phase_train: True})
        print("test accuracy", sess.run(accuracy, {images: x_test[:2000], labels: y_test[:2000, 0],
                                                   phase_train: False}))


if __name__ == "__main__":
    main()
