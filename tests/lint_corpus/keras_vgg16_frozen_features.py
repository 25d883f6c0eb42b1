"""Style classifier on frozen VGG16 features; VGG16 has no batch-norm layers."""
import argparse

import tensorflow as tf
from tensorflow.keras.applications import VGG16
from tensorflow.keras.applications.vgg16 import preprocess_input


def build_style_classifier(num_styles):
    vgg = VGG16(weights="imagenet", include_top=False, input_shape=(224, 224, 3))
    vgg.trainable = False
    inputs = tf.keras.Input(shape=(224, 224, 3))
    x = preprocess_input(inputs)
    # No BN (and no dropout) inside VGG16's conv base, so the training flag cannot change its output.
    features = vgg(x)
    x = tf.keras.layers.Flatten()(features)
    x = tf.keras.layers.Dense(256, activation="relu")(x)
    x = tf.keras.layers.Dropout(0.5)(x)
    outputs = tf.keras.layers.Dense(num_styles, activation="softmax")(x)
    return tf.keras.Model(inputs, outputs), vgg


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", default="wikiart/")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--unfreeze-last-block", action="store_true")
    args = parser.parse_args()

    train = tf.keras.utils.image_dataset_from_directory(args.images, validation_split=0.2, subset="training",
                                                        seed=7, image_size=(224, 224), batch_size=32)
    val = tf.keras.utils.image_dataset_from_directory(args.images, validation_split=0.2, subset="validation",
                                                      seed=7, image_size=(224, 224), batch_size=32)
    model, vgg = build_style_classifier(len(train.class_names))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train, validation_data=val, epochs=args.epochs)

    if args.unfreeze_last_block:
        vgg.trainable = True
        for layer in vgg.layers:
            layer.trainable = layer.name.startswith("block5")
        model.compile(optimizer=tf.keras.optimizers.SGD(1e-4, momentum=0.9),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(train, validation_data=val, epochs=5)
    model.save("style_classifier.keras")


if __name__ == "__main__":
    main()
