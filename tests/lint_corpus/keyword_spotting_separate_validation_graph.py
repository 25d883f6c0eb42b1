"""Keyword spotting: a training graph and, sharing its variables, a validation graph in inference mode."""
import tensorflow as tf


def create_model(fingerprints, label_count, is_training):
    net = tf.reshape(fingerprints, [-1, 98, 40, 1])
    net = tf.layers.conv2d(net, 64, 3, padding="same", name="conv")
    net = tf.contrib.layers.batch_norm(net, is_training=is_training, updates_collections=None, scope="bn")
    return tf.layers.dense(tf.layers.flatten(tf.nn.relu(net)), label_count, name="logits")


def main(audio, steps):
    fingerprint_input = tf.placeholder(tf.float32, [None, 3920])
    ground_truth = tf.placeholder(tf.int64, [None])
    with tf.variable_scope("model"):
        logits = create_model(fingerprint_input, 12, is_training=True)
    with tf.variable_scope("model", reuse=True):
        eval_logits = create_model(fingerprint_input, 12, is_training=False)
    loss = tf.losses.sparse_softmax_cross_entropy(ground_truth, logits)
    train_step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    evaluation_step = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(eval_logits, 1), ground_truth), tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            x, y = audio.get_data("training")
            sess.run([train_step, loss], feed_dict={fingerprint_input: x, ground_truth: y})
            if step % 400 == 0:
                x, y = audio.get_data("validation")
                validation_accuracy = sess.run(evaluation_step, feed_dict={fingerprint_input: x, ground_truth: y})
                print(step, validation_accuracy)
