"""Train ResNet-20 on CIFAR-10."""
import argparse
import glob
import os

import tensorflow as tf

import data
import resnet


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data_dir", default="cifar-10-batches-bin")
    parser.add_argument("--train_dir", default="runs/resnet20")
    parser.add_argument("--steps", type=int, default=64000)
    args = parser.parse_args()

    images, labels = data.input_batches(glob.glob(os.path.join(args.data_dir, "data_batch_*.bin")), 128, True)
    logits = resnet.inference(images, is_training=True)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits) + 2e-4 * tf.add_n(
        [tf.nn.l2_loss(v) for v in tf.trainable_variables() if "kernel" in v.name])
    global_step = tf.train.get_or_create_global_step()
    lr = tf.train.piecewise_constant(global_step, [32000, 48000], [0.1, 0.01, 0.001])
    optimizer = tf.train.MomentumOptimizer(lr, momentum=0.9)
    train_op = optimizer.minimize(loss, global_step=global_step)  # expect: BN001

    saver = tf.train.Saver(max_to_keep=10)
    with tf.train.MonitoredTrainingSession(checkpoint_dir=args.train_dir,
                                           scaffold=tf.train.Scaffold(saver=saver)) as sess:
        for _ in range(args.steps):
            sess.run(train_op)


if __name__ == "__main__":
    main()
