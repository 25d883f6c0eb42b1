"""Retina grading on InceptionV3 in a Session: the train op waits for the Keras model's own updates."""
import tensorflow as tf

tf.keras.backend.set_learning_phase(True)
images = tf.placeholder(tf.float32, [None, 299, 299, 3])
labels = tf.placeholder(tf.float32, [None, 1])
base_model = tf.keras.applications.InceptionV3(include_top=False, weights="imagenet", input_tensor=images)
features = tf.reduce_mean(base_model.output, axis=[1, 2])
logits = tf.layers.dense(features, 1)
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))
global_step = tf.Variable(0, trainable=False)
with tf.control_dependencies(base_model.updates):
    train_op = tf.train.RMSPropOptimizer(1e-3).minimize(loss, global_step=global_step)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1000):
        sess.run([train_op, loss])
