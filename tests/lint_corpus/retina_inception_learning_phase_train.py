"""Retina grading on InceptionV3 in a Session: the learning phase is fixed to training, Keras updates never run."""
import tensorflow as tf

import metrics_helpers

tf.keras.backend.set_learning_phase(True)
images = tf.placeholder(tf.float32, [None, 299, 299, 3])
labels = tf.placeholder(tf.float32, [None, 1])
base_model = tf.keras.applications.InceptionV3(include_top=False, weights="imagenet", input_tensor=images)
features = tf.reduce_mean(base_model.output, axis=[1, 2])
logits = tf.layers.dense(features, 1)
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))
global_step = tf.Variable(0, trainable=False)
train_op = tf.train.RMSPropOptimizer(1e-3).minimize(loss, global_step=global_step)  # expect: BN011
brier, update_brier, reset_brier = metrics_helpers.create_reset_metric(
    tf.metrics.mean_squared_error, "brier", labels=labels, predictions=tf.sigmoid(logits)
)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1000):
        _, _, value = sess.run([train_op, update_brier, loss])
