"""Data-parallel training of a speaker-embedding CNN over several GPUs (towers share variables)."""
import argparse

import tensorflow as tf


def embedding_net(features, is_training, reuse):
    with tf.variable_scope("speaker_net", reuse=reuse):
        net = features[..., tf.newaxis]
        for i, filters in enumerate([32, 64, 128, 256]):
            net = tf.layers.conv2d(net, filters, 3, strides=2, padding="same", use_bias=False, name="conv%d" % i)
            net = tf.layers.batch_normalization(net, training=is_training, name="bn%d" % i)
            net = tf.nn.relu(net)
        net = tf.reduce_mean(net, axis=[1, 2])
        return tf.layers.dense(net, 512, name="embedding")


def average_gradients(tower_grads):
    average_grads = []
    for grad_and_vars in zip(*tower_grads):
        grad = tf.reduce_mean(tf.stack([g for g, _ in grad_and_vars], axis=0), axis=0)
        average_grads.append((grad, grad_and_vars[0][1]))
    return average_grads


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gpus", type=int, default=4)
    parser.add_argument("--speakers", type=int, default=5994)
    parser.add_argument("--steps", type=int, default=200000)
    parser.add_argument("--ckpt_dir", default="runs/speaker")
    args = parser.parse_args()

    features = tf.placeholder(tf.float32, [None, 300, 64], name="fbank")
    speaker_ids = tf.placeholder(tf.int64, [None], name="speaker_ids")
    feature_splits = tf.split(features, args.gpus)
    label_splits = tf.split(speaker_ids, args.gpus)
    global_step = tf.train.get_or_create_global_step()
    optimizer = tf.train.AdamOptimizer(1e-3)

    tower_grads = []
    for gpu in range(args.gpus):
        with tf.device("/gpu:%d" % gpu), tf.name_scope("tower%d" % gpu):
            embeddings = embedding_net(feature_splits[gpu], is_training=True, reuse=gpu > 0)
            logits = tf.layers.dense(embeddings, args.speakers, name="classifier", reuse=gpu > 0)
            loss = tf.losses.sparse_softmax_cross_entropy(label_splits[gpu], logits)
            tower_grads.append(optimizer.compute_gradients(loss))

    grads = average_gradients(tower_grads)
    apply_op = optimizer.apply_gradients(grads, global_step=global_step)  # expect: BN001
    ema = tf.train.ExponentialMovingAverage(0.999, global_step)
    train_op = tf.group(apply_op, ema.apply(tf.trainable_variables()))

    saver = tf.train.Saver(var_list=tf.trainable_variables(), max_to_keep=20)  # expect: BN003
    with tf.Session(config=tf.ConfigProto(allow_soft_placement=True)) as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            sess.run(train_op, feed_dict=next_batch(features, speaker_ids))
            if step % 10000 == 0:
                saver.save(sess, args.ckpt_dir + "/model", global_step=step)


def next_batch(features, speaker_ids):
    import numpy as np
    return {features: np.zeros((128, 300, 64), np.float32), speaker_ids: np.zeros((128,), np.int64)}


if __name__ == "__main__":
    main()
