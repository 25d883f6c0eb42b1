"""Custom training loop for AudioEventNet on AudioSet embeddings."""
import argparse

import tensorflow as tf

from networks import AudioEventNet


def make_dataset(pattern, batch_size):
    files = tf.data.Dataset.list_files(pattern)
    spec = {"mel": tf.io.FixedLenFeature([1000, 64], tf.float32), "labels": tf.io.FixedLenFeature([527], tf.float32)}
    ds = tf.data.TFRecordDataset(files).map(lambda r: tf.io.parse_single_example(r, spec))
    return ds.map(lambda e: (e["mel"], e["labels"])).shuffle(2000).batch(batch_size)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", default="audioset/train-*.tfrecord")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()

    net = AudioEventNet()
    optimizer = tf.keras.optimizers.Adam(args.lr)
    bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)
    checkpoint = tf.train.Checkpoint(model=net, optimizer=optimizer)
    manager = tf.train.CheckpointManager(checkpoint, "runs/audio_events", max_to_keep=3)

    @tf.function
    def train_step(mel, labels):
        with tf.GradientTape() as tape:
            logits = net(mel)  # expect: BN008
            loss = bce(labels, logits)
        grads = tape.gradient(loss, net.trainable_variables)
        optimizer.apply_gradients(zip(grads, net.trainable_variables))
        return loss

    for epoch in range(args.epochs):
        for mel, labels in make_dataset(args.train, 32):
            loss = train_step(mel, labels)
        manager.save()
        tf.print("epoch", epoch, "loss", loss)


if __name__ == "__main__":
    main()
