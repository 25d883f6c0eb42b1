"""Estimator-based MNIST classifier with batch norm, evaluation and SavedModel export."""
import argparse

import tensorflow as tf


def network(images, training):
    net = tf.reshape(images, [-1, 28, 28, 1])
    for filters in (32, 64):
        net = tf.layers.conv2d(net, filters, 5, padding="same", use_bias=False)
        net = tf.layers.batch_normalization(net, training=training)
        net = tf.nn.relu(net)
        net = tf.layers.max_pooling2d(net, 2, 2)
    net = tf.layers.dense(tf.layers.flatten(net), 1024, activation=tf.nn.relu)
    net = tf.layers.dropout(net, rate=0.4, training=training)
    return tf.layers.dense(net, 10)


def model_fn(features, labels, mode, params):
    is_training = mode == tf.estimator.ModeKeys.TRAIN
    logits = network(features["image"], training=is_training)
    predictions = {"classes": tf.argmax(logits, axis=1), "probabilities": tf.nn.softmax(logits)}
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions=predictions,
                                          export_outputs={"serving": tf.estimator.export.PredictOutput(predictions)})

    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    if mode == tf.estimator.ModeKeys.TRAIN:
        optimizer = tf.train.AdamOptimizer(params["learning_rate"])
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

    eval_metric_ops = {"accuracy": tf.metrics.accuracy(labels, predictions["classes"])}
    return tf.estimator.EstimatorSpec(mode, loss=loss, eval_metric_ops=eval_metric_ops)


def serving_input_receiver_fn():
    image = tf.placeholder(tf.float32, [None, 784], name="image")
    return tf.estimator.export.ServingInputReceiver({"image": image}, {"image": image})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model_dir", default="/tmp/mnist_estimator")
    parser.add_argument("--export_dir", default="/tmp/mnist_saved_model")
    parser.add_argument("--train_epochs", type=int, default=40)
    args = parser.parse_args()

    (train_x, train_y), (test_x, test_y) = tf.keras.datasets.mnist.load_data()
    train_input = tf.estimator.inputs.numpy_input_fn({"image": train_x.reshape(-1, 784) / 255.0},
                                                     train_y.astype("int32"), batch_size=100,
                                                     num_epochs=None, shuffle=True)
    eval_input = tf.estimator.inputs.numpy_input_fn({"image": test_x.reshape(-1, 784) / 255.0},
                                                    test_y.astype("int32"), num_epochs=1, shuffle=False)
    classifier = tf.estimator.Estimator(model_fn=model_fn, model_dir=args.model_dir,
                                        params={"learning_rate": 1e-3})
    for _ in range(args.train_epochs // 2):
        classifier.train(input_fn=train_input, steps=1200)
        print(classifier.evaluate(input_fn=eval_input))
    classifier.export_savedmodel(args.export_dir, serving_input_receiver_fn)


if __name__ == "__main__":
    main()
