"""Keyword spotting: trains and validates on a training-mode graph; an Estimator predicts later."""
import tensorflow as tf


def create_model(fingerprints, label_count, is_training):
    net = tf.reshape(fingerprints, [-1, 98, 40, 1])
    net = tf.layers.conv2d(net, 64, 3, padding="same")
    net = tf.contrib.layers.batch_norm(net, is_training=is_training, updates_collections=None)
    return tf.layers.dense(tf.layers.flatten(tf.nn.relu(net)), label_count)


def main(audio, steps):
    fingerprint_input = tf.placeholder(tf.float32, [None, 3920])
    ground_truth = tf.placeholder(tf.int64, [None])
    logits = create_model(fingerprint_input, 12, is_training=True)
    loss = tf.losses.sparse_softmax_cross_entropy(ground_truth, logits)
    train_step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    predicted = tf.argmax(logits, 1)
    evaluation_step = tf.reduce_mean(tf.cast(tf.equal(predicted, ground_truth), tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            x, y = audio.get_data("training")
            sess.run([train_step, loss], feed_dict={fingerprint_input: x, ground_truth: y})
            if step % 400 == 0:
                x, y = audio.get_data("validation")
                validation_accuracy = sess.run(  # expect: BN006
                    evaluation_step, feed_dict={fingerprint_input: x, ground_truth: y}
                )
                print(step, validation_accuracy)

    def model_fn(features, labels, mode, params):
        logits = create_model(features["audio"], 12, is_training=False)
        return tf.estimator.EstimatorSpec(mode, predictions={"label": tf.argmax(logits, -1)})

    estimator = tf.estimator.Estimator(model_fn=model_fn, model_dir="/tmp/kws")
    return list(estimator.predict(input_fn=audio.test_input_fn))
