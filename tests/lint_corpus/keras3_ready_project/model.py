"""Retina grading model, written for Keras 3 (TensorFlow 2.16+)."""
import keras
from keras import layers


def conv_bn(x, filters, strides=1):
    x = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(momentum=0.99)(x)
    return layers.Activation("swish")(x)


def build_grader(image_size=384, num_grades=5):
    inputs = keras.Input((image_size, image_size, 3))
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = conv_bn(x, 32, strides=2)
    for filters in (64, 128, 256):
        x = conv_bn(x, filters, strides=2)
        x = conv_bn(x, filters)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.3)(x)
    return keras.Model(inputs, layers.Dense(num_grades, activation="softmax")(x), name="grader")
