"""A tf.keras model trained inside a TF 1.x Session; BN updates come from model.updates."""
import argparse

import numpy as np
import tensorflow as tf

tf.compat.v1.disable_eager_execution()


def keras_cnn():
    return tf.keras.Sequential([
        tf.keras.layers.Conv2D(32, 3, activation=None, input_shape=(28, 28, 1)),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Activation("relu"),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10),
    ])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()

    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x_train = x_train[..., None].astype(np.float32) / 255.0
    x_test = x_test[..., None].astype(np.float32) / 255.0

    images = tf.compat.v1.placeholder(tf.float32, [None, 28, 28, 1])
    labels = tf.compat.v1.placeholder(tf.int64, [None])
    model = keras_cnn()
    logits = model(images, training=True)
    eval_logits = model(images, training=False)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(eval_logits, 1), labels), tf.float32))

    optimizer = tf.compat.v1.train.AdamOptimizer(1e-3)
    minimize = optimizer.minimize(loss, var_list=model.trainable_variables)
    # Keras layers keep their moving-average updates on the layer, not in UPDATE_OPS.
    train_op = tf.group(minimize, *model.updates)

    with tf.compat.v1.Session() as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        for step in range(args.steps):
            idx = np.random.randint(0, len(x_train), args.batch)
            sess.run(train_op, {images: x_train[idx], labels: y_train[idx]})
        print("test accuracy:", sess.run(accuracy, {images: x_test, labels: y_test}))


if __name__ == "__main__":
    main()
