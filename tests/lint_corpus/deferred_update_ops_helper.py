"""Semantic segmentation (tiny U-Net); the train-op helper is defined before the model is built."""
import argparse

import tensorflow as tf

BN_MOMENTUM = 1 - 1e-3  # 0.999, as in the paper


def make_train_op(loss, learning_rate, global_step):
    """Called after the network exists, so UPDATE_OPS is already filled when this runs."""
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        optimizer = tf.train.AdamOptimizer(learning_rate)
        return optimizer.minimize(loss, global_step=global_step)


def conv_block(x, filters, training, name):
    with tf.variable_scope(name):
        for i in range(2):
            x = tf.layers.conv2d(x, filters, 3, padding="same", use_bias=False, name="conv%d" % i)
            x = tf.layers.batch_normalization(x, momentum=BN_MOMENTUM, training=training, name="bn%d" % i)
            x = tf.nn.relu(x)
        return x


def unet(images, num_classes, training):
    skips = []
    x = images
    for depth, filters in enumerate([32, 64, 128]):
        x = conv_block(x, filters, training, "down%d" % depth)
        skips.append(x)
        x = tf.layers.max_pooling2d(x, 2, 2)
    x = conv_block(x, 256, training, "bottleneck")
    for depth, filters in reversed(list(enumerate([32, 64, 128]))):
        x = tf.layers.conv2d_transpose(x, filters, 2, strides=2, padding="same")
        x = conv_block(tf.concat([x, skips[depth]], axis=-1), filters, training, "up%d" % depth)
    return tf.layers.conv2d(x, num_classes, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", default="data/cityscapes_train.tfrecord")
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--steps", type=int, default=40000)
    args = parser.parse_args()

    images = tf.placeholder(tf.float32, [None, 256, 512, 3])
    masks = tf.placeholder(tf.int32, [None, 256, 512])
    training = tf.placeholder(tf.bool, [])
    logits = unet(images, 19, training)
    loss = tf.losses.sparse_softmax_cross_entropy(masks, logits)
    global_step = tf.train.get_or_create_global_step()
    train_op = make_train_op(loss, args.lr, global_step)

    with tf.train.MonitoredTrainingSession(checkpoint_dir="runs/unet", save_checkpoint_steps=2000) as sess:
        for _ in range(args.steps):
            batch_images, batch_masks = next_batch(args.records)
            sess.run(train_op, {images: batch_images, masks: batch_masks, training: True})


def next_batch(records):
    import numpy as np
    return np.zeros((4, 256, 512, 3), np.float32), np.zeros((4, 256, 512), np.int32)


if __name__ == "__main__":
    main()
