"""Age regression from face crops; BN is imported under a short alias."""
import argparse

import tensorflow as tf
from tensorflow.layers import batch_normalization as bn
from tensorflow.layers import conv2d, dense

parser = argparse.ArgumentParser()
parser.add_argument("--faces", default="utkface_train.tfrecord")
parser.add_argument("--steps", type=int, default=40000)
parser.add_argument("--batch", type=int, default=64)


def age_net(images, is_training):
    net = conv2d(images, 32, 3, strides=2, padding="same", use_bias=False)
    net = tf.nn.relu(bn(net, training=is_training))
    net = conv2d(net, 64, 3, strides=2, padding="same", use_bias=False)
    net = tf.nn.relu(bn(net, training=is_training))
    net = conv2d(net, 128, 3, strides=2, padding="same", use_bias=False)
    # Forgot training= here: this layer always normalizes with its (never updated) moving stats.
    net = tf.nn.relu(bn(net))  # expect: BN004
    net = tf.reduce_mean(net, axis=[1, 2])
    net = dense(net, 128, activation=tf.nn.relu)
    net = tf.contrib.layers.batch_norm(net, decay=0.99, center=True, scale=True)  # expect: BN004
    return tf.squeeze(dense(net, 1), axis=1)


def read_faces(path, batch):
    dataset = tf.data.TFRecordDataset(path).map(lambda r: tf.parse_single_example(
        r, {"image": tf.FixedLenFeature([], tf.string), "age": tf.FixedLenFeature([], tf.float32)}))
    dataset = dataset.map(lambda e: (tf.image.resize_images(tf.image.decode_jpeg(e["image"], 3), [96, 96]),
                                     e["age"]))
    return dataset.shuffle(8192).repeat().batch(batch).make_one_shot_iterator().get_next()


def main():
    args = parser.parse_args()
    images, ages = read_faces(args.faces, args.batch)
    is_training = tf.placeholder_with_default(True, [], name="is_training")
    predicted_age = age_net(images / 255.0, is_training)
    loss = tf.losses.absolute_difference(ages, predicted_age)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
    saver = tf.train.Saver(tf.global_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            sess.run(train_op)
            if step % 5000 == 0:
                saver.save(sess, "age_net/model.ckpt", global_step=step)


if __name__ == "__main__":
    main()
