"""Skin-lesion classifier trained with a hand-written tf.GradientTape loop."""
import argparse

import tensorflow as tf


def build_model(num_classes):
    model = tf.keras.Sequential(name="lesion_net")
    model.add(tf.keras.layers.InputLayer(input_shape=(192, 192, 3)))
    for filters in (32, 64, 128, 256):
        model.add(tf.keras.layers.Conv2D(filters, 3, padding="same", use_bias=False))
        model.add(tf.keras.layers.BatchNormalization())
        model.add(tf.keras.layers.Activation("relu"))
        model.add(tf.keras.layers.MaxPooling2D())
    model.add(tf.keras.layers.GlobalAveragePooling2D())
    model.add(tf.keras.layers.Dense(num_classes))
    return model


def load_split(directory, batch_size, shuffle):
    ds = tf.keras.utils.image_dataset_from_directory(directory, image_size=(192, 192),
                                                     batch_size=batch_size, shuffle=shuffle)
    return ds.map(lambda x, y: (x / 255.0, y)).prefetch(tf.data.AUTOTUNE)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train-dir", default="ham10000/train")
    parser.add_argument("--val-dir", default="ham10000/val")
    parser.add_argument("--epochs", type=int, default=25)
    args = parser.parse_args()

    train_ds = load_split(args.train_dir, 32, True)
    val_ds = load_split(args.val_dir, 64, False)
    model = build_model(num_classes=7)
    optimizer = tf.keras.optimizers.Adam(1e-3)
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    val_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images)  # expect: BN008
            loss = loss_object(labels, logits)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    for epoch in range(args.epochs):
        for images, labels in train_ds:
            loss = train_step(images, labels)
        val_accuracy.reset_state()
        for images, labels in val_ds:
            val_accuracy.update_state(labels, model(images, training=False))
        print("epoch %d loss %.4f val_acc %.4f" % (epoch, float(loss), float(val_accuracy.result())))
    model.save("lesion_net.keras")


if __name__ == "__main__":
    main()
