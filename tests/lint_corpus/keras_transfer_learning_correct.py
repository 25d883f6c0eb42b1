"""Cats vs dogs: transfer learning and fine-tuning on MobileNetV2, as in the Keras guide."""
import argparse

import tensorflow as tf

IMG_SIZE = (160, 160)


def make_datasets(data_dir, batch_size):
    train = tf.keras.utils.image_dataset_from_directory(
        data_dir + "/train", shuffle=True, batch_size=batch_size, image_size=IMG_SIZE)
    val = tf.keras.utils.image_dataset_from_directory(
        data_dir + "/validation", shuffle=False, batch_size=batch_size, image_size=IMG_SIZE)
    return train.prefetch(tf.data.AUTOTUNE), val.prefetch(tf.data.AUTOTUNE)


def build(base_model):
    data_augmentation = tf.keras.Sequential([
        tf.keras.layers.RandomFlip("horizontal"),
        tf.keras.layers.RandomRotation(0.2),
    ])
    inputs = tf.keras.Input(shape=IMG_SIZE + (3,))
    x = data_augmentation(inputs)
    x = tf.keras.applications.mobilenet_v2.preprocess_input(x)
    # training=False keeps the base's BN layers in inference mode, also after unfreezing.
    x = base_model(x, training=False)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    x = tf.keras.layers.Dropout(0.2)(x)
    outputs = tf.keras.layers.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="cats_and_dogs_filtered")
    parser.add_argument("--initial-epochs", type=int, default=10)
    parser.add_argument("--fine-tune-epochs", type=int, default=10)
    parser.add_argument("--fine-tune-at", type=int, default=100)
    args = parser.parse_args()

    train_ds, val_ds = make_datasets(args.data_dir, 32)
    base_model = tf.keras.applications.MobileNetV2(input_shape=IMG_SIZE + (3,), include_top=False,
                                                   weights="imagenet")
    base_model.trainable = False
    model = build(base_model)
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-4),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(train_ds, epochs=args.initial_epochs, validation_data=val_ds)

    base_model.trainable = True
    for layer in base_model.layers[:args.fine_tune_at]:
        layer.trainable = False
    model.compile(optimizer=tf.keras.optimizers.RMSprop(1e-5),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
    total_epochs = args.initial_epochs + args.fine_tune_epochs
    model.fit(train_ds, epochs=total_epochs, initial_epoch=history.epoch[-1], validation_data=val_ds)
    model.save("cats_dogs_mobilenetv2.keras")


if __name__ == "__main__":
    main()
