"""Keras networks for the audio event classifier."""
import tensorflow as tf
from tensorflow.keras import layers


def conv_block(filters):
    return tf.keras.Sequential([
        layers.Conv2D(filters, 3, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.Conv2D(filters, 3, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.MaxPool2D(2),
    ])


class AudioEventNet(tf.keras.Model):
    """CNN14-style network over log-mel spectrograms."""

    def __init__(self, num_classes=527):
        super().__init__()
        self.blocks = [conv_block(f) for f in (64, 128, 256, 512)]
        self.pool = layers.GlobalAveragePooling2D()
        self.classifier = layers.Dense(num_classes)

    def call(self, spectrograms, training=None):
        x = spectrograms[..., tf.newaxis]
        for block in self.blocks:
            x = block(x, training=training)
        return self.classifier(self.pool(x))
