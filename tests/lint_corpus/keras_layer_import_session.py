"""Churn-risk MLP for a batch-scoring job that still runs TF 1.x sessions; layers come from tf.keras."""
import argparse

import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import BatchNormalization, Dense, Dropout

tf.compat.v1.disable_eager_execution()


def risk_model(features, training):
    hidden = Dense(128, activation=None, name="hidden1")(features)
    hidden = BatchNormalization(name="hidden1_bn")(hidden, training=training)  # expect: BN011
    hidden = tf.nn.relu(hidden)
    hidden = Dropout(0.3)(hidden, training=training)
    hidden = Dense(64, activation="relu", name="hidden2")(hidden)
    return Dense(1, name="risk_logit")(hidden)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", default="customers_train.npz")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--checkpoint", default="ckpt/risk")
    args = parser.parse_args()
    data = np.load(args.train)
    x_all, y_all = data["features"].astype(np.float32), data["churned"].astype(np.float32)

    features = tf.compat.v1.placeholder(tf.float32, [None, x_all.shape[1]])
    churned = tf.compat.v1.placeholder(tf.float32, [None, 1])
    training = tf.compat.v1.placeholder_with_default(False, [])
    logits = risk_model(features, training)
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=churned, logits=logits))
    update_ops = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.compat.v1.train.AdamOptimizer(1e-3).minimize(loss)

    saver = tf.compat.v1.train.Saver()
    with tf.compat.v1.Session() as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        for epoch in range(args.epochs):
            order = np.random.permutation(len(x_all))
            for start in range(0, len(order), 512):
                idx = order[start:start + 512]
                sess.run(train_op, {features: x_all[idx], churned: y_all[idx, None], training: True})
            saver.save(sess, args.checkpoint, global_step=epoch)


if __name__ == "__main__":
    main()
