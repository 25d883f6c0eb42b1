"""The fixed course script: validation runs on a second model built in inference mode."""
import numpy as np
import tensorflow as tf

from model import Model


def valid_epoch(model, sess, X, y):
    return sess.run([model.loss, model.acc], {model.x_: X, model.y_: y})


with tf.Session() as sess:
    data = np.load("mnist.npz")
    with tf.variable_scope("mlp"):
        train_model = Model(True)
    with tf.variable_scope("mlp", reuse=True):
        valid_model = Model(False)
    sess.run(tf.global_variables_initializer())
    for epoch in range(20):
        sess.run(train_model.train_op, {train_model.x_: data["x_train"], train_model.y_: data["y_train"]})
        val_loss, val_acc = valid_epoch(valid_model, sess, data["x_val"], data["y_val"])
