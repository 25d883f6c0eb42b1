"""Tiny text classifier (transformer encoder) trained with GradientTape; it uses LayerNormalization only."""
import argparse

import tensorflow as tf
from tensorflow.keras import layers


class EncoderBlock(layers.Layer):
    def __init__(self, dim, heads, ff_dim):
        super().__init__()
        self.attention = layers.MultiHeadAttention(num_heads=heads, key_dim=dim // heads)
        self.ffn = tf.keras.Sequential([layers.Dense(ff_dim, activation="gelu"), layers.Dense(dim)])
        self.norm1 = layers.LayerNormalization(epsilon=1e-6)
        self.norm2 = layers.LayerNormalization(epsilon=1e-6)

    def call(self, x):
        x = self.norm1(x + self.attention(x, x))
        return self.norm2(x + self.ffn(x))


def build_classifier(vocab_size, maxlen, dim=128):
    tokens = tf.keras.Input(shape=(maxlen,), dtype="int32")
    x = layers.Embedding(vocab_size, dim)(tokens)
    x = EncoderBlock(dim, heads=4, ff_dim=256)(x)
    x = EncoderBlock(dim, heads=4, ff_dim=256)(x)
    x = layers.GlobalAveragePooling1D()(x)
    return tf.keras.Model(tokens, layers.Dense(2)(x))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vocab", type=int, default=20000)
    parser.add_argument("--maxlen", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()

    (x_train, y_train), _ = tf.keras.datasets.imdb.load_data(num_words=args.vocab)
    x_train = tf.keras.preprocessing.sequence.pad_sequences(x_train, maxlen=args.maxlen)
    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(25000).batch(32)

    model = build_classifier(args.vocab, args.maxlen)
    optimizer = tf.keras.optimizers.Adam(1e-4)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(batch_tokens, batch_labels):
        with tf.GradientTape() as tape:
            # No batch norm and no dropout in this model, so the training flag changes nothing.
            logits = model(batch_tokens)
            loss = loss_fn(batch_labels, logits)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    for epoch in range(args.epochs):
        for step, (batch_tokens, batch_labels) in enumerate(dataset):
            loss = train_step(batch_tokens, batch_labels)
            if step % 200 == 0:
                print("epoch", epoch, "step", step, "loss", float(loss))


if __name__ == "__main__":
    main()
