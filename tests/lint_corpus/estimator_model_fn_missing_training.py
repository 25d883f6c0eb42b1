"""Estimator for tabular churn prediction; the network ignores the mode."""
import argparse

import tensorflow as tf

NUMERIC = ["tenure", "monthly_charges", "total_charges", "support_calls"]


def dnn(features, hidden_units, training):
    net = tf.feature_column.input_layer(features, [tf.feature_column.numeric_column(k) for k in NUMERIC])
    # Normalize the raw numeric inputs (charges are in the thousands, calls in the units).
    net = tf.layers.batch_normalization(net, name="input_norm")  # expect: BN004
    for units in hidden_units:
        net = tf.layers.dense(net, units, activation=None)
        net = tf.layers.batch_normalization(net, training=training)
        net = tf.nn.relu(net)
    return tf.layers.dense(net, 1)


def churn_model_fn(features, labels, mode, params):
    training = mode == tf.estimator.ModeKeys.TRAIN
    logits = tf.squeeze(dnn(features, params["hidden_units"], training), axis=1)
    probabilities = tf.sigmoid(logits)
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={"churn_probability": probabilities})

    loss = tf.losses.sigmoid_cross_entropy(tf.cast(labels, tf.float32), logits)
    if mode == tf.estimator.ModeKeys.EVAL:
        auc = tf.metrics.auc(labels, probabilities)
        return tf.estimator.EstimatorSpec(mode, loss=loss, eval_metric_ops={"auc": auc})

    optimizer = tf.train.AdagradOptimizer(params["learning_rate"])
    train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())  # expect: BN001
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)


def csv_input_fn(path, batch_size, shuffle):
    dataset = tf.data.experimental.make_csv_dataset(path, batch_size=batch_size, label_name="churned",
                                                    select_columns=NUMERIC + ["churned"], shuffle=shuffle)
    return dataset


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train_csv", default="churn_train.csv")
    parser.add_argument("--eval_csv", default="churn_eval.csv")
    parser.add_argument("--model_dir", default="/tmp/churn")
    args = parser.parse_args()

    estimator = tf.estimator.Estimator(
        model_fn=churn_model_fn, model_dir=args.model_dir,
        params={"hidden_units": [64, 32], "learning_rate": 0.05})
    estimator.train(lambda: csv_input_fn(args.train_csv, 256, True), max_steps=20000)
    print(estimator.evaluate(lambda: csv_input_fn(args.eval_csv, 1024, False)))


if __name__ == "__main__":
    main()
