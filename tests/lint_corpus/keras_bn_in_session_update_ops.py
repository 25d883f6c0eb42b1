"""Legacy graph-mode trainer that switched its layers from tf.layers to tf.keras.layers."""
import argparse

import numpy as np
import tensorflow as tf

tf.compat.v1.disable_eager_execution()


def build_network(images, training):
    x = tf.keras.layers.Conv2D(32, 3, padding="same", use_bias=False)(images)
    x = tf.keras.layers.BatchNormalization()(x, training=training)  # expect: BN011
    x = tf.keras.layers.ReLU()(x)
    x = tf.keras.layers.MaxPooling2D()(x)
    x = tf.keras.layers.Conv2D(64, 3, padding="same")(x)
    x = tf.keras.layers.ReLU()(x)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    return tf.keras.layers.Dense(10)(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=128)
    args = parser.parse_args()
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.cifar10.load_data()
    x_train, x_test = x_train.astype(np.float32) / 255.0, x_test.astype(np.float32) / 255.0

    images = tf.compat.v1.placeholder(tf.float32, [None, 32, 32, 3])
    labels = tf.compat.v1.placeholder(tf.int64, [None])
    training = tf.compat.v1.placeholder_with_default(False, [], name="training")
    logits = build_network(images, training)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))

    # The usual BN idiom; it worked with tf.layers.batch_normalization.
    update_ops = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.compat.v1.train.AdamOptimizer(1e-3).minimize(loss)

    with tf.compat.v1.Session() as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        for step in range(args.steps):
            idx = np.random.randint(0, len(x_train), args.batch)
            sess.run(train_op, {images: x_train[idx], labels: y_train[idx, 0], training: True})
            if step % 500 == 0:
                print(step, sess.run(accuracy, {images: x_test[:1000], labels: y_test[:1000, 0]}))


if __name__ == "__main__":
    main()
