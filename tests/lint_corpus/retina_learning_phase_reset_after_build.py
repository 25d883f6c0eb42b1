"""Retina grading: the learning phase is fixed to training before the model is built, then 'reset' for testing."""
import numpy as np
import tensorflow as tf

tf.keras.backend.set_learning_phase(True)
images = tf.placeholder(tf.float32, [None, 299, 299, 3])
labels = tf.placeholder(tf.float32, [None, 1])
base_model = tf.keras.applications.InceptionV3(include_top=False, weights="imagenet", input_tensor=images)
logits = tf.layers.dense(tf.reduce_mean(base_model.output, axis=[1, 2]), 1)
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))
with tf.control_dependencies(base_model.updates):
    train_op = tf.train.RMSPropOptimizer(1e-3).minimize(loss)
predictions = tf.sigmoid(logits)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for x, y in training_batches():
        sess.run(train_op, feed_dict={images: x, labels: y})
    tf.keras.backend.set_learning_phase(False)  # expect: BN006
    scores = [sess.run(predictions, feed_dict={images: x}) for x, _ in test_batches()]
    print(np.mean(scores))
