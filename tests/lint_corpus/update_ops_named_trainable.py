"""Fine-tune only the detection head of a YOLO-style detector on a new dataset.

The author restricts training to the head and wraps the train op in a control dependency on a
list called ``update_var``, but that list holds the head's weights, not the BN update ops.
"""
import argparse

import tensorflow as tf
from tensorflow.contrib import slim


def darknet_block(net, filters, is_training, scope):
    with tf.variable_scope(scope):
        net = slim.conv2d(net, filters, 3, activation_fn=None, biases_initializer=None)
        net = slim.batch_norm(net, is_training=is_training, decay=0.99)
        return tf.nn.leaky_relu(net, 0.1)


def detector(images, num_anchors, num_classes, is_training):
    with tf.variable_scope("yolo"):
        net = images
        for index, filters in enumerate([32, 64, 128, 256]):
            net = darknet_block(net, filters, is_training, "block%d" % index)
            net = slim.max_pool2d(net, 2)
        with tf.variable_scope("head"):
            return slim.conv2d(net, num_anchors * (5 + num_classes), 1, activation_fn=None)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", default="data/train.tfrecord")
    parser.add_argument("--epochs", type=int, default=50)
    args = parser.parse_args()

    images = tf.placeholder(tf.float32, [None, 416, 416, 3])
    targets = tf.placeholder(tf.float32, [None, 26, 26, 3 * 25])
    is_training = tf.placeholder(tf.bool, name="is_training")
    output = detector(images, 3, 20, is_training)
    loss = tf.reduce_mean(tf.square(output - targets))

    optimizer = tf.train.AdamOptimizer(1e-4)
    update_var = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="yolo/head")
    with tf.control_dependencies(update_var):
        train_op = optimizer.minimize(loss, var_list=update_var)  # expect: BN001

    saver = tf.train.Saver(tf.global_variables(), max_to_keep=5)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(args.epochs):
            batch_images, batch_targets = next_batch(args.records)
            _, value = sess.run([train_op, loss], feed_dict={images: batch_images, targets: batch_targets,
                                                             is_training: True})
            print(epoch, value)
        saver.save(sess, "checkpoints/yolo")


def next_batch(records):
    raise NotImplementedError(records)


if __name__ == "__main__":
    main()
