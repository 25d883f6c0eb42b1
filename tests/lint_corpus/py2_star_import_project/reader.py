"""TFRecord input pipeline (no BN here: `is_training` only shuffles)."""
import tensorflow as tf


def read_inputs(pattern, batch_size, is_training):
    files = tf.data.Dataset.list_files(pattern, shuffle=is_training)
    records = files.interleave(tf.data.TFRecordDataset, cycle_length=4)
    if is_training:
        records = records.shuffle(10000).repeat()
    features = {'image': tf.FixedLenFeature([], tf.string), 'label': tf.FixedLenFeature([], tf.int64)}
    parsed = records.map(lambda r: tf.parse_single_example(r, features))
    batch = parsed.batch(batch_size).make_one_shot_iterator().get_next()
    images = tf.reshape(tf.decode_raw(batch['image'], tf.uint8), [-1, 32, 32, 3])
    return tf.cast(images, tf.float32) / 255.0, batch['label']
