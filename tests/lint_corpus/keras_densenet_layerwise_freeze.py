"""Histopathology patch classifier: DenseNet121 features, frozen layer by layer, then fine-tuned."""
import argparse

import tensorflow as tf
from tensorflow.keras import layers, models
from tensorflow.keras.applications import DenseNet121


def build(num_classes, input_shape=(96, 96, 3)):
    feature_extractor = DenseNet121(include_top=False, weights="imagenet", input_shape=input_shape)
    for layer in feature_extractor.layers:
        layer.trainable = False
    inputs = layers.Input(input_shape)
    x = tf.keras.applications.densenet.preprocess_input(inputs)
    x = feature_extractor(x)  # expect: BN009
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(num_classes, activation="softmax")(x)
    return models.Model(inputs, x), feature_extractor


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--patches", default="pcam/")
    parser.add_argument("--warmup-epochs", type=int, default=3)
    parser.add_argument("--finetune-epochs", type=int, default=12)
    args = parser.parse_args()

    train = tf.keras.utils.image_dataset_from_directory(args.patches + "train", image_size=(96, 96))
    valid = tf.keras.utils.image_dataset_from_directory(args.patches + "valid", image_size=(96, 96))
    model, feature_extractor = build(num_classes=2)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train, validation_data=valid, epochs=args.warmup_epochs)

    # Unfreeze the last dense block for fine-tuning.
    for layer in feature_extractor.layers:
        layer.trainable = layer.name.startswith("conv5")
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(train, validation_data=valid, epochs=args.warmup_epochs + args.finetune_epochs,
              initial_epoch=args.warmup_epochs)
    model.save("pcam_densenet121.keras")


if __name__ == "__main__":
    main()
