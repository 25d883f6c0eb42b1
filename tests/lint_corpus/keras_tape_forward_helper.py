"""Keypoint heatmap model; the forward pass goes through a helper that forwards the training flag."""
import argparse

import tensorflow as tf
from tensorflow.keras import layers


def heatmap_model(num_keypoints=17):
    inputs = tf.keras.Input((128, 128, 3))
    x = inputs
    for filters in (32, 64, 128):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
    x = layers.Conv2D(num_keypoints, 1)(x)
    return tf.keras.Model(inputs, x)


def forward(model, images, training):
    heatmaps = model(images, training=training)
    return tf.image.resize(heatmaps, (64, 64))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--coco", default="coco_keypoints_train.tfrecord")
    parser.add_argument("--epochs", type=int, default=60)
    args = parser.parse_args()

    model = heatmap_model()
    optimizer = tf.keras.optimizers.Adam(1e-3)
    spec = {"image": tf.io.FixedLenFeature([128, 128, 3], tf.float32),
            "heatmap": tf.io.FixedLenFeature([64, 64, 17], tf.float32)}
    dataset = tf.data.TFRecordDataset(args.coco).map(lambda r: tf.io.parse_single_example(r, spec))
    dataset = dataset.map(lambda e: (e["image"], e["heatmap"])).shuffle(4096).batch(32)

    @tf.function
    def train_step(images, target):
        with tf.GradientTape() as tape:
            predicted = forward(model, images, training=True)
            loss = tf.reduce_mean(tf.square(predicted - target))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    for epoch in range(args.epochs):
        for images, target in dataset:
            loss = train_step(images, target)
        print("epoch", epoch, "mse", float(loss))
    model.save("keypoints.keras")


if __name__ == "__main__":
    main()
