"""Train a segmentation network with a validation graph that shares its variables.

The validation copy is built with is_training=True: its accuracy uses batch statistics, and its BN
updates go to UPDATE_OPS, so create_train_op pulls validation batches into the moving averages.
"""
import tensorflow as tf
from tensorflow.contrib import slim


def network(images, num_classes, is_training, reuse=None):
    with tf.variable_scope("net", reuse=reuse):
        with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,
                            normalizer_params={"is_training": is_training, "decay": 0.99}):
            net = slim.conv2d(images, 32, 3, stride=2)
            net = slim.conv2d(net, 64, 3)
            net = slim.conv2d_transpose(net, 32, 3, stride=2)
        logits = slim.conv2d(net, num_classes, 1, activation_fn=None)
    return logits, tf.nn.softmax(logits)


def batches(pattern, batch_size):
    files = tf.data.Dataset.list_files(pattern)
    records = files.flat_map(tf.data.TFRecordDataset).map(parse_example).batch(batch_size)
    return records.repeat().make_one_shot_iterator().get_next()


def parse_example(record):
    features = tf.parse_single_example(record, {"image": tf.FixedLenFeature([], tf.string),
                                                "mask": tf.FixedLenFeature([], tf.string)})
    image = tf.reshape(tf.decode_raw(features["image"], tf.uint8), [360, 480, 3])
    mask = tf.reshape(tf.decode_raw(features["mask"], tf.uint8), [360, 480])
    return tf.cast(image, tf.float32) / 255.0, tf.cast(mask, tf.int32)


def main(train_dir, steps=20000):
    images, annotations = batches("data/train-*", 10)
    logits, _ = network(images, 12, is_training=True)
    loss = tf.losses.sparse_softmax_cross_entropy(annotations, logits)
    train_op = slim.learning.create_train_op(loss, tf.train.AdamOptimizer(5e-4))

    images_val, annotations_val = batches("data/val-*", 25)
    logits_val, probabilities_val = network(images_val, 12, is_training=True, reuse=True)  # expect: BN006
    accuracy_val, accuracy_update = tf.metrics.accuracy(annotations_val, tf.argmax(probabilities_val, -1))

    supervisor = tf.train.Supervisor(logdir=train_dir)
    with supervisor.managed_session() as sess:
        for step in range(steps):
            sess.run(train_op)
            if step % 500 == 0:
                sess.run(accuracy_update)
                print(step, sess.run(accuracy_val))
