"""Train Keras ResNet50 from scratch on Imagenette with a distributed custom loop."""
import argparse

import tensorflow as tf


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="imagenette2-320")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--global-batch", type=int, default=256)
    args = parser.parse_args()

    strategy = tf.distribute.MirroredStrategy()
    train_ds = tf.keras.utils.image_dataset_from_directory(args.data + "/train", image_size=(224, 224),
                                                           batch_size=args.global_batch)
    train_ds = train_ds.map(lambda x, y: (tf.keras.applications.resnet50.preprocess_input(x), y))
    dist_ds = strategy.experimental_distribute_dataset(train_ds.prefetch(tf.data.AUTOTUNE))

    with strategy.scope():
        model = tf.keras.applications.ResNet50(weights=None, classes=10)
        optimizer = tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
        loss_object = tf.keras.losses.SparseCategoricalCrossentropy(
            from_logits=False, reduction=tf.keras.losses.Reduction.NONE)
        train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()

    def compute_loss(labels, predictions):
        per_example_loss = loss_object(labels, predictions)
        return tf.nn.compute_average_loss(per_example_loss, global_batch_size=args.global_batch)

    def train_step(inputs):
        images, labels = inputs
        with tf.GradientTape() as tape:
            predictions = model(images)  # expect: BN008
            loss = compute_loss(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_accuracy.update_state(labels, predictions)
        return loss

    @tf.function
    def distributed_train_step(inputs):
        per_replica_losses = strategy.run(train_step, args=(inputs,))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_losses, axis=None)

    for epoch in range(args.epochs):
        total_loss, batches = 0.0, 0
        for batch in dist_ds:
            total_loss += distributed_train_step(batch)
            batches += 1
        print("epoch %d loss %.4f acc %.4f" % (epoch, total_loss / batches, train_accuracy.result()))
        train_accuracy.reset_state()
    model.save("resnet50_imagenette.keras")


if __name__ == "__main__":
    main()
