"""An Estimator model_fn for a training-only job: it refuses every mode but TRAIN, so the
hard-coded training=True never reaches an evaluation or prediction graph."""
import tensorflow as tf


def model_fn(features, labels, mode, params):
    if mode != tf.estimator.ModeKeys.TRAIN:
        raise ValueError("this model_fn only trains; export with export_model.py")
    net = tf.layers.conv2d(features["image"], 32, 3, padding="same", use_bias=False)
    net = tf.layers.batch_normalization(net, training=True)
    net = tf.layers.dense(tf.reduce_mean(tf.nn.relu(net), axis=[1, 2]), params["classes"])
    loss = tf.losses.sparse_softmax_cross_entropy(labels, net)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_op = tf.train.AdamOptimizer(params["lr"]).minimize(loss, tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)


def train(input_fn, model_dir, steps):
    estimator = tf.estimator.Estimator(model_fn, model_dir=model_dir, params={"classes": 10, "lr": 1e-3})
    estimator.train(input_fn, max_steps=steps)
