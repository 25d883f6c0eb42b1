"""Train the U-Net; run as `python scripts/train.py` from the project root."""
import argparse

import tensorflow.compat.v1 as tf

import augment
from segnet.unet import unet


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=50000)
    args = parser.parse_args()
    images = tf.placeholder(tf.float32, [None, 256, 256, 3])
    masks = tf.placeholder(tf.int32, [None, 256, 256])
    training = tf.placeholder_with_default(False, [])
    logits = unet(augment.random_flip(images, training=True), num_classes=21, training=training)
    loss = tf.losses.sparse_softmax_cross_entropy(masks, logits)
    train_op = tf.train.AdamOptimizer(1e-4).minimize(loss)  # expect: BN001
    saver = tf.train.Saver(var_list=tf.trainable_variables())  # expect: BN003
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            batch_images, batch_masks = augment.next_batch(16)
            sess.run(train_op, {images: batch_images, masks: batch_masks, training: True})
            if step % 5000 == 0:
                saver.save(sess, "runs/unet.ckpt", step)


if __name__ == "__main__":
    main()
