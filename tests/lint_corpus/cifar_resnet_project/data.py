"""CIFAR-10 input pipeline from the binary batches."""
import tensorflow as tf

RECORD_BYTES = 1 + 32 * 32 * 3


def _parse(record):
    raw = tf.decode_raw(record, tf.uint8)
    label = tf.cast(raw[0], tf.int32)
    image = tf.transpose(tf.reshape(raw[1:], [3, 32, 32]), [1, 2, 0])
    return tf.cast(image, tf.float32) / 255.0, label


def _augment(image, label):
    image = tf.image.resize_image_with_crop_or_pad(image, 36, 36)
    image = tf.random_crop(image, [32, 32, 3])
    return tf.image.random_flip_left_right(image), label


def input_batches(filenames, batch_size, train):
    dataset = tf.data.FixedLengthRecordDataset(filenames, RECORD_BYTES).map(_parse)
    if train:
        dataset = dataset.map(_augment).shuffle(20000).repeat()
    return dataset.batch(batch_size).make_one_shot_iterator().get_next()
