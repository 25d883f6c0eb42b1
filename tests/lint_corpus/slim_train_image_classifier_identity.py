"""Train a slim MobileNet-style net on a folder dataset, after models/research/slim/train_image_classifier.py."""
import argparse

import tensorflow as tf
from tensorflow.contrib import slim


def separable_block(net, depth, stride, scope):
    net = slim.separable_conv2d(net, None, [3, 3], depth_multiplier=1, stride=stride, scope=scope + "_dw")
    return slim.conv2d(net, depth, [1, 1], scope=scope + "_pw")


def mobilenet_like(images, num_classes, is_training):
    with slim.arg_scope([slim.conv2d, slim.separable_conv2d], normalizer_fn=slim.batch_norm):
        with slim.arg_scope([slim.batch_norm], is_training=is_training, decay=0.9997, center=True, scale=True):
            net = slim.conv2d(images, 32, [3, 3], stride=2, scope="Conv2d_0")
            for i, (depth, stride) in enumerate([(64, 1), (128, 2), (128, 1), (256, 2), (512, 2)]):
                net = separable_block(net, depth, stride, "Conv2d_%d" % (i + 1))
            net = tf.reduce_mean(net, [1, 2], keep_dims=True, name="global_pool")
            logits = slim.conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None, scope="Logits")
            return tf.squeeze(logits, [1, 2])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset_dir", required=True)
    parser.add_argument("--train_dir", default="/tmp/tfmodel/")
    parser.add_argument("--learning_rate", type=float, default=0.045)
    parser.add_argument("--max_number_of_steps", type=int, default=None)
    args = parser.parse_args()

    with tf.Graph().as_default():
        global_step = slim.create_global_step()
        images, labels = load_batch(args.dataset_dir, batch_size=32)
        logits = mobilenet_like(images, num_classes=101, is_training=True)
        tf.losses.softmax_cross_entropy(slim.one_hot_encoding(labels, 101), logits, label_smoothing=0.1)
        total_loss = tf.losses.get_total_loss()

        # Gather update_ops from the first clone: the updates for the batch_norm variables.
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        optimizer = tf.train.RMSPropOptimizer(args.learning_rate, decay=0.9, momentum=0.9, epsilon=1.0)
        grads_and_vars = optimizer.compute_gradients(total_loss)
        grad_updates = optimizer.apply_gradients(grads_and_vars, global_step=global_step)
        update_ops.append(grad_updates)
        update_op = tf.group(*update_ops)
        with tf.control_dependencies([update_op]):
            train_tensor = tf.identity(total_loss, name="train_op")

        slim.learning.train(train_tensor, logdir=args.train_dir, number_of_steps=args.max_number_of_steps,
                            save_summaries_secs=600, save_interval_secs=600)


def load_batch(dataset_dir, batch_size):
    files = tf.gfile.Glob(dataset_dir + "/*.tfrecord")
    dataset = tf.data.TFRecordDataset(files).map(lambda r: tf.parse_single_example(
        r, {"image": tf.FixedLenFeature([], tf.string), "label": tf.FixedLenFeature([], tf.int64)}))
    dataset = dataset.map(lambda e: (tf.image.resize_images(tf.image.decode_jpeg(e["image"], 3), [224, 224]),
                                     e["label"]))
    return dataset.shuffle(1000).repeat().batch(batch_size).make_one_shot_iterator().get_next()


if __name__ == "__main__":
    main()
