"""Flower classifier: feature extraction on a frozen MobileNetV2, then fine-tuning the top layers."""
import argparse

import tensorflow as tf

IMG_SHAPE = (224, 224, 3)


def get_datasets(data_dir, batch_size):
    common = dict(validation_split=0.2, seed=123, image_size=IMG_SHAPE[:2], batch_size=batch_size)
    train = tf.keras.utils.image_dataset_from_directory(data_dir, subset="training", **common)
    val = tf.keras.utils.image_dataset_from_directory(data_dir, subset="validation", **common)
    return train.cache().prefetch(tf.data.AUTOTUNE), val.cache().prefetch(tf.data.AUTOTUNE), train.class_names


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="flower_photos")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--fine-tune-epochs", type=int, default=10)
    args = parser.parse_args()
    train_ds, val_ds, class_names = get_datasets(args.data_dir, args.batch_size)

    base_model = tf.keras.applications.MobileNetV2(input_shape=IMG_SHAPE, include_top=False, weights="imagenet")
    base_model.trainable = False

    inputs = tf.keras.Input(shape=IMG_SHAPE)
    x = tf.keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = base_model(x)  # expect: BN009
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    x = tf.keras.layers.Dropout(0.2)(x)
    outputs = tf.keras.layers.Dense(len(class_names))(x)
    model = tf.keras.Model(inputs, outputs)

    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(train_ds, validation_data=val_ds, epochs=args.epochs)

    # Fine-tuning: unfreeze the top of the base; its BN layers now start updating on the small dataset.
    base_model.trainable = True
    for layer in base_model.layers[:100]:
        layer.trainable = False
    model.compile(optimizer=tf.keras.optimizers.RMSprop(1e-5),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(train_ds, validation_data=val_ds, epochs=args.epochs + args.fine_tune_epochs,
              initial_epoch=args.epochs)
    model.save("flowers_mobilenetv2.keras")


if __name__ == "__main__":
    main()
