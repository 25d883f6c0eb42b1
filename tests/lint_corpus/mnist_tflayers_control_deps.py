"""Train a small CNN on MNIST with tf.layers batch normalization (TF 1.x graph mode)."""
import argparse
import os

import numpy as np
import tensorflow as tf


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--model-dir", default="/tmp/mnist_bn")
    return parser.parse_args()


def conv_bn_relu(x, filters, is_training, name):
    with tf.variable_scope(name):
        x = tf.layers.conv2d(x, filters, 3, padding="same", use_bias=False)
        x = tf.layers.batch_normalization(x, momentum=0.9, training=is_training)
        return tf.nn.relu(x)


def inference(images, is_training):
    x = tf.reshape(images, [-1, 28, 28, 1])
    x = conv_bn_relu(x, 32, is_training, "block1")
    x = tf.layers.max_pooling2d(x, 2, 2)
    x = conv_bn_relu(x, 64, is_training, "block2")
    x = tf.layers.max_pooling2d(x, 2, 2)
    x = tf.layers.flatten(x)
    return tf.layers.dense(x, 10)


def main():
    args = parse_args()
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x_train = x_train.astype(np.float32) / 255.0
    x_test = x_test.astype(np.float32) / 255.0

    images = tf.placeholder(tf.float32, [None, 28, 28], name="images")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    is_training = tf.placeholder(tf.bool, name="is_training")

    logits = inference(images, is_training)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
    global_step = tf.train.get_or_create_global_step()

    # The moving mean/variance updates live in UPDATE_OPS; make the train op wait for them.
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.train.AdamOptimizer(args.lr).minimize(loss, global_step=global_step)

    saver = tf.train.Saver(tf.global_variables(), max_to_keep=3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            idx = np.random.randint(0, len(x_train), args.batch_size)
            feed = {images: x_train[idx], labels: y_train[idx], is_training: True}
            _, loss_value = sess.run([train_op, loss], feed_dict=feed)
            if step % 500 == 0:
                test_acc = sess.run(accuracy, {images: x_test, labels: y_test, is_training: False})
                print("step %d loss %.4f test accuracy %.4f" % (step, loss_value, test_acc))
        saver.save(sess, os.path.join(args.model_dir, "model.ckpt"), global_step=global_step)


if __name__ == "__main__":
    main()
