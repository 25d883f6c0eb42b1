"""Fine-grained bird classifier on tf_slim (the standalone TF-Slim package)."""
import argparse
import logging

import tensorflow.compat.v1 as tf
import tf_slim as slim

tf.disable_eager_execution()
log = logging.getLogger("train_birds")


def birdnet(images, num_classes, is_training):
    with slim.arg_scope([slim.batch_norm], is_training=is_training, decay=0.99):
        with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm, activation_fn=tf.nn.relu):
            net = slim.conv2d(images, 32, [3, 3], stride=2, scope="conv1")
            net = slim.conv2d(net, 64, [3, 3], scope="conv2")
            net = slim.max_pool2d(net, [3, 3], stride=2, scope="pool2")
            net = slim.conv2d(net, 128, [3, 3], activation_fn=None, normalizer_fn=None, scope="conv3")
            # is_training and decay come from the enclosing arg_scope.
            net = slim.batch_norm(net, scope="conv3_bn")
            net = tf.nn.relu(net)
            net = tf.reduce_mean(net, [1, 2], name="global_pool")
            return slim.fully_connected(net, num_classes, activation_fn=None, scope="logits")


def read_batch(record_glob, batch_size, image_size=224):
    def decode(serialized):
        example = tf.parse_single_example(serialized, {
            "image": tf.FixedLenFeature([], tf.string),
            "label": tf.FixedLenFeature([], tf.int64),
        })
        image = tf.image.decode_jpeg(example["image"], channels=3)
        image = tf.image.random_flip_left_right(image)
        image = tf.image.resize(image, [image_size, image_size]) / 127.5 - 1.0
        return image, example["label"]

    dataset = tf.data.TFRecordDataset(tf.gfile.Glob(record_glob)).map(decode, num_parallel_calls=8)
    dataset = dataset.shuffle(4096).repeat().batch(batch_size, drop_remainder=True).prefetch(2)
    return tf.data.make_one_shot_iterator(dataset).get_next()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", default="gs://my-bucket/cub200/train-*.tfrecord")
    parser.add_argument("--logdir", default="runs/birdnet")
    parser.add_argument("--steps", type=int, default=100000)
    args = parser.parse_args()

    images, labels = read_batch(args.records, batch_size=64)
    logits = birdnet(images, num_classes=200, is_training=True)
    tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    total_loss = tf.losses.get_total_loss()
    optimizer = tf.train.AdamOptimizer(3e-4)
    train_op = slim.learning.create_train_op(total_loss, optimizer, clip_gradient_norm=5.0)
    log.info("starting training for %d steps", args.steps)
    slim.learning.train(train_op, logdir=args.logdir, number_of_steps=args.steps, save_interval_secs=600)


if __name__ == "__main__":
    main()
