"""CIFAR-10 ResNet-ish model trained with a custom tf.GradientTape loop (TF 2.x)."""
import argparse

import tensorflow as tf
from tensorflow.keras import layers


def make_model(num_classes=10):
    inputs = tf.keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(32, 3, padding="same", use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    for filters in (64, 128):
        x = layers.Conv2D(filters, 3, strides=2, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.9)(x)
        x = layers.ReLU()(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes)(x)
    return tf.keras.Model(inputs, outputs, name="small_resnet")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args()

    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.cifar10.load_data()
    train_ds = tf.data.Dataset.from_tensor_slices((x_train / 255.0, y_train)).shuffle(50000).batch(args.batch_size)
    test_ds = tf.data.Dataset.from_tensor_slices((x_test / 255.0, y_test)).batch(512)

    model = make_model()
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    train_acc = tf.keras.metrics.SparseCategoricalAccuracy()
    test_acc = tf.keras.metrics.SparseCategoricalAccuracy()

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            loss = loss_fn(labels, logits) + sum(model.losses)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        train_acc.update_state(labels, logits)
        return loss

    @tf.function
    def test_step(images, labels):
        # Inference mode: BN uses the moving statistics and does not update them.
        logits = model(images, training=False)
        test_acc.update_state(labels, logits)

    for epoch in range(args.epochs):
        train_acc.reset_state()
        test_acc.reset_state()
        for images, labels in train_ds:
            loss = train_step(images, labels)
        for images, labels in test_ds:
            test_step(images, labels)
        print(f"epoch {epoch}: loss={float(loss):.3f} train={train_acc.result():.3f} test={test_acc.result():.3f}")
    model.save_weights("small_resnet.weights.h5")


if __name__ == "__main__":
    main()
