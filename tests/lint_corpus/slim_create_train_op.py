"""VGG-style flower classifier trained with TF-Slim (tf.contrib era)."""
import argparse

import tensorflow as tf
from tensorflow.contrib import slim

FLAGS = None


def batch_norm_arg_scope(is_training, weight_decay=5e-4):
    batch_norm_params = {
        "is_training": is_training,
        "decay": 0.997,
        "epsilon": 1e-5,
        "scale": True,
    }
    with slim.arg_scope(
        [slim.conv2d, slim.fully_connected],
        weights_regularizer=slim.l2_regularizer(weight_decay),
        normalizer_fn=slim.batch_norm,
        normalizer_params=batch_norm_params,
    ) as scope:
        return scope


def small_vgg(images, num_classes, is_training):
    with slim.arg_scope(batch_norm_arg_scope(is_training)):
        net = slim.repeat(images, 2, slim.conv2d, 64, [3, 3], scope="conv1")
        net = slim.max_pool2d(net, [2, 2], scope="pool1")
        net = slim.repeat(net, 2, slim.conv2d, 128, [3, 3], scope="conv2")
        net = slim.max_pool2d(net, [2, 2], scope="pool2")
        net = slim.flatten(net)
        net = slim.fully_connected(net, 256, scope="fc3")
        net = slim.dropout(net, 0.5, is_training=is_training, scope="dropout3")
        return slim.fully_connected(net, num_classes, activation_fn=None, normalizer_fn=None, scope="fc4")


def input_fn(pattern, batch_size):
    files = tf.data.Dataset.list_files(pattern)
    dataset = files.interleave(tf.data.TFRecordDataset, cycle_length=4)
    features = {
        "image/encoded": tf.FixedLenFeature([], tf.string),
        "image/class/label": tf.FixedLenFeature([], tf.int64),
    }

    def parse(record):
        parsed = tf.parse_single_example(record, features)
        image = tf.image.decode_jpeg(parsed["image/encoded"], channels=3)
        image = tf.image.resize_images(image, [96, 96]) / 255.0
        return image, parsed["image/class/label"]

    dataset = dataset.map(parse).shuffle(2048).repeat().batch(batch_size)
    return dataset.make_one_shot_iterator().get_next()


def main(_):
    images, labels = input_fn(FLAGS.train_pattern, FLAGS.batch_size)
    logits = small_vgg(images, 5, is_training=True)
    slim.losses.sparse_softmax_cross_entropy(logits, labels)
    total_loss = slim.losses.get_total_loss()
    optimizer = tf.train.RMSPropOptimizer(FLAGS.learning_rate, decay=0.9, momentum=0.9)
    # create_train_op adds the UPDATE_OPS dependency itself.
    train_op = slim.learning.create_train_op(total_loss, optimizer)
    slim.learning.train(train_op, FLAGS.train_dir, number_of_steps=FLAGS.max_steps, save_summaries_secs=60)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--train_pattern", default="/data/flowers/train-*")
    parser.add_argument("--train_dir", default="/tmp/flowers_train")
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--learning_rate", type=float, default=0.01)
    parser.add_argument("--max_steps", type=int, default=50000)
    FLAGS, unparsed = parser.parse_known_args()
    tf.app.run(main=main)
