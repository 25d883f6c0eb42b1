"""A course assignment: a dense network whose batch norm layer uses only the batch moments.

Nothing switches modes; `model` reports the validation cost and accuracy every epoch, computed with
the statistics of the whole validation set instead of population averages.
"""

import numpy as np
import tensorflow as tf


def create_batch_norm_layer(prev, n, activation):
    layer = tf.layers.Dense(n, kernel_initializer=tf.variance_scaling_initializer(mode="fan_avg"))
    layered = layer(prev)
    gamma = tf.Variable(tf.constant(1.0, shape=[n]), name="gamma")
    beta = tf.Variable(tf.constant(0.0, shape=[n]), name="beta")
    mean, variance = tf.nn.moments(layered, axes=[0])
    normed = tf.nn.batch_normalization(layered, mean, variance, beta, gamma, 1e-8)  # expect: BN004
    return activation(normed)


def model(data_train, data_valid, layers, activations, epochs=5, batch_size=32):
    (x_train, y_train), (x_valid, y_valid) = data_train, data_valid
    x = tf.placeholder(tf.float32, [None, x_train.shape[1]])
    y = tf.placeholder(tf.float32, [None, y_train.shape[1]])
    prediction = x
    for size, activation in zip(layers, activations):
        prediction = create_batch_norm_layer(prediction, size, activation)
    loss = tf.losses.softmax_cross_entropy(y, prediction)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(prediction, 1)), tf.float32))
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        for epoch in range(epochs):
            valid_cost, valid_accuracy = session.run([loss, accuracy], feed_dict={x: x_valid, y: y_valid})
            print(epoch, valid_cost, valid_accuracy)
            for start in range(0, len(x_train), batch_size):
                session.run(train_op, feed_dict={x: x_train[start:start + batch_size],
                                                 y: y_train[start:start + batch_size]})
    return np.mean(valid_cost)
