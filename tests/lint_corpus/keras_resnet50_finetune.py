"""Chest X-ray pneumonia detector on ImageNet ResNet50, two-stage training."""
import argparse

import tensorflow as tf
from tensorflow.keras import layers
from tensorflow.keras.applications import ResNet50, EfficientNetB0
from tensorflow.keras.applications.resnet50 import preprocess_input


def build_model(image_size):
    backbone = ResNet50(include_top=False, weights="imagenet", input_shape=(image_size, image_size, 3))
    backbone.trainable = False
    inputs = layers.Input((image_size, image_size, 3))
    x = layers.RandomZoom(0.1)(inputs)
    x = preprocess_input(x)
    features = backbone(x)  # expect: BN009
    x = layers.GlobalAveragePooling2D()(features)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.4)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return tf.keras.Model(inputs, outputs), backbone


def build_baseline(image_size):
    """Fully trainable baseline: nothing is frozen, so BN training mode is what we want."""
    backbone = EfficientNetB0(include_top=False, weights="imagenet", input_shape=(image_size, image_size, 3))
    inputs = layers.Input((image_size, image_size, 3))
    x = backbone(inputs)
    outputs = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling2D()(x))
    return tf.keras.Model(inputs, outputs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="chest_xray")
    parser.add_argument("--image-size", type=int, default=224)
    parser.add_argument("--baseline", action="store_true")
    args = parser.parse_args()

    loader = tf.keras.utils.image_dataset_from_directory
    train = loader(args.data + "/train", image_size=(args.image_size,) * 2, label_mode="binary")
    val = loader(args.data + "/val", image_size=(args.image_size,) * 2, label_mode="binary")
    metrics = ["accuracy", tf.keras.metrics.AUC(name="auc")]

    if args.baseline:
        model = build_baseline(args.image_size)
        model.compile(tf.keras.optimizers.Adam(1e-4), "binary_crossentropy", metrics=metrics)
        model.fit(train, validation_data=val, epochs=20)
        return

    model, backbone = build_model(args.image_size)
    model.compile(tf.keras.optimizers.Adam(1e-3), "binary_crossentropy", metrics=metrics)
    model.fit(train, validation_data=val, epochs=10)
    backbone.trainable = True
    model.compile(tf.keras.optimizers.Adam(1e-5), "binary_crossentropy", metrics=metrics)
    model.fit(train, validation_data=val, epochs=10)
    model.save("pneumonia_resnet50.keras")


if __name__ == "__main__":
    main()
