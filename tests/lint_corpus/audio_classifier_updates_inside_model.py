"""A spectrogram classifier whose model function ties the BN updates to its own output.

`x = tf.identity(x)` under `control_dependencies(update_ops)` when training: the loss, the
accuracy and so the train op fetched with them all run after the updates.  The bare `minimize`
is correct here.
"""

import tensorflow as tf


def model(x, nlogits, train=False):
    b = tf.shape(x)[0]
    x_mag = tf.reshape(tf.abs(tf.signal.stft(x, 1024, 128, pad_end=True)), [-1, 513])
    x_mel = tf.reshape(tf.matmul(x_mag, tf.signal.linear_to_mel_weight_matrix(128, 513)), [b, 128, 128])
    x = tf.stop_gradient(tf.log(x_mel + 1e-6))

    x = tf.layers.batch_normalization(x, training=train)
    x = tf.expand_dims(x, axis=3)
    x = tf.layers.conv2d(x, 128, (5, 5), padding="same", activation=tf.nn.relu)
    x = tf.layers.max_pooling2d(x, (2, 2), (2, 2))

    x = tf.layers.batch_normalization(x, training=train)
    x = tf.layers.conv2d(x, 128, (5, 5), padding="same", activation=tf.nn.relu)
    x = tf.layers.max_pooling2d(x, (2, 2), (2, 2))

    x = tf.reshape(x, [b, 32 * 32 * 128])
    x = tf.layers.batch_normalization(x, training=train)
    x = tf.layers.dense(x, nlogits)
    if train:
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            x = tf.identity(x)
    return x


def train(dataset, train_dir):
    x, y = dataset.make_one_shot_iterator().get_next()
    logits = model(x, 10, train=True)
    xent_mean = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits, labels=y))
    train_op = tf.train.GradientDescentOptimizer(1e-4).minimize(
        xent_mean, global_step=tf.train.get_or_create_global_step())
    acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, axis=1, output_type=tf.int32), y), tf.float32))
    with tf.train.MonitoredTrainingSession(checkpoint_dir=train_dir) as sess:
        while not sess.should_stop():
            _, _acc = sess.run([train_op, acc])
