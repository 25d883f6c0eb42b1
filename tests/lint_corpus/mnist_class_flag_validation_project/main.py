"""python main.py trains (scoring the validation split each epoch); --is_train=False predicts."""
import numpy as np
import tensorflow as tf

from model import Model

tf.app.flags.DEFINE_boolean("is_train", True, "False to run inference")
tf.app.flags.DEFINE_string("train_dir", "./train", "checkpoints")
FLAGS = tf.app.flags.FLAGS


def train_epoch(model, sess, X, y):
    loss, acc, _ = sess.run([model.loss, model.acc, model.train_op], {model.x_: X, model.y_: y})
    return loss, acc


def valid_epoch(model, sess, X, y):
    loss, acc = sess.run([model.loss, model.acc], {model.x_: X, model.y_: y})
    return loss, acc


def inference(model, sess, X):
    return sess.run(model.pred, {model.x_: X})


with tf.Session() as sess:
    data = np.load("mnist.npz")
    if FLAGS.is_train:
        mlp_model = Model(True)
        sess.run(tf.global_variables_initializer())
        for epoch in range(20):
            train_epoch(mlp_model, sess, data["x_train"], data["y_train"])
            val_loss, val_acc = valid_epoch(mlp_model, sess, data["x_val"], data["y_val"])  # expect: BN006
            mlp_model.saver.save(sess, FLAGS.train_dir + "/checkpoint")
    else:
        mlp_model = Model(False)
        mlp_model.saver.restore(sess, tf.train.latest_checkpoint(FLAGS.train_dir))
        np.save("predictions.npy", inference(mlp_model, sess, data["x_test"]))
