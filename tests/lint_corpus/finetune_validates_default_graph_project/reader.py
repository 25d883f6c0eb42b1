"""TFRecord input pipeline: the `is_training` switch picks the augmentation, not a BN mode."""

import tensorflow as tf


def preprocess(image, is_training=False):
    if is_training:
        image = tf.image.random_flip_left_right(image)
    return tf.image.resize_images(image, [224, 224])


def _read_example(pattern, num_classes, is_training):
    files = tf.train.string_input_producer(tf.gfile.Glob(pattern))
    _, record = tf.TFRecordReader().read(files)
    parsed = tf.parse_single_example(record, {"image": tf.FixedLenFeature([], tf.string),
                                              "label": tf.FixedLenFeature([], tf.int64)})
    image = preprocess(tf.image.decode_jpeg(parsed["image"], 3), is_training)
    return image, tf.one_hot(parsed["label"], num_classes)


def get_train_batch_images_and_label(pattern, batch_size, num_classes, is_training=True):
    image, label = _read_example(pattern, num_classes, is_training)
    return tf.train.shuffle_batch([image, label], batch_size, 1000, 100)


def get_val_batch_images_and_label(pattern, batch_size, num_classes, is_training=False):
    image, label = _read_example(pattern, num_classes, is_training)
    return tf.train.batch([image, label], batch_size)
