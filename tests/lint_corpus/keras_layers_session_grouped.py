"""Graph-mode autoencoder for anomaly detection on sensor windows, built from tf.keras layers."""
import argparse

import numpy as np
import tensorflow.compat.v1 as tf
from tensorflow.keras import layers

tf.disable_eager_execution()

WINDOW = 128
CHANNELS = 6


class SensorAutoencoder(object):
    def __init__(self, latent_dim=16):
        self.encoder_conv = layers.Conv1D(32, 5, padding="same")
        self.encoder_bn = layers.BatchNormalization(momentum=0.9)  # expect: BN011
        self.bottleneck = layers.Dense(latent_dim)
        self.decoder_dense = layers.Dense(WINDOW * 32)
        self.decoder_bn = layers.BatchNormalization(momentum=0.9)  # expect: BN011
        self.decoder_conv = layers.Conv1D(CHANNELS, 5, padding="same")

    def __call__(self, windows, training):
        h = tf.nn.relu(self.encoder_bn(self.encoder_conv(windows), training=training))
        z = self.bottleneck(tf.reshape(h, [-1, WINDOW * 32]))
        h = tf.reshape(self.decoder_dense(z), [-1, WINDOW, 32])
        h = tf.nn.relu(self.decoder_bn(h, training=training))
        return self.decoder_conv(h)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--npz", default="sensor_windows.npz")
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    windows_np = np.load(args.npz)["train"].astype(np.float32)

    windows = tf.placeholder(tf.float32, [None, WINDOW, CHANNELS])
    autoencoder = SensorAutoencoder()
    reconstruction = autoencoder(windows, training=True)
    loss = tf.reduce_mean(tf.square(reconstruction - windows))
    step = tf.train.AdamOptimizer(1e-3).minimize(loss)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    train_op = tf.group(step, *update_ops)

    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(args.epochs):
            np.random.shuffle(windows_np)
            for start in range(0, len(windows_np), 256):
                sess.run(train_op, {windows: windows_np[start:start + 256]})
            saver.save(sess, "autoencoder/model.ckpt", global_step=epoch)


if __name__ == "__main__":
    main()
