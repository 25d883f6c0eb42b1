"""Fit the quality critic to human mean-opinion scores."""
import argparse

import numpy as np
import tensorflow as tf

from model import QualityCritic


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scores", default="koniq10k_scores.npz")
    parser.add_argument("--steps", type=int, default=50000)
    parser.add_argument("--clip_norm", type=float, default=5.0)
    args = parser.parse_args()
    data = np.load(args.scores)

    images = tf.placeholder(tf.float32, [None, 256, 256, 3])
    mos = tf.placeholder(tf.float32, [None])
    critic = QualityCritic(is_training=True)
    loss = tf.reduce_mean(tf.square(critic(images) - mos))

    global_step = tf.train.get_or_create_global_step()
    optimizer = tf.train.AdamOptimizer(2e-4, beta1=0.5)
    grads, tvars = zip(*optimizer.compute_gradients(loss))
    grads, _ = tf.clip_by_global_norm(grads, args.clip_norm)
    train_op = optimizer.apply_gradients(zip(grads, tvars), global_step=global_step)  # expect: BN001

    saver = tf.train.Saver(max_to_keep=5)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            idx = np.random.randint(0, len(data["mos"]), 16)
            sess.run(train_op, {images: data["images"][idx], mos: data["mos"][idx]})
            if step % 5000 == 0:
                saver.save(sess, "critic/model.ckpt", global_step=global_step)


if __name__ == "__main__":
    main()
