"""ImageNet-style ResNet block model trained with tf.estimator.train_and_evaluate."""
import argparse
import functools

import tensorflow as tf

_MEAN_RGB = [123.68, 116.78, 103.94]


def input_fn(is_training, data_dir, batch_size, num_epochs=1):
    """Input pipeline: augmentation and shuffling only when is_training (no BN in here)."""
    pattern = data_dir + ("/train-*" if is_training else "/validation-*")
    dataset = tf.data.Dataset.list_files(pattern, shuffle=is_training)
    dataset = dataset.interleave(tf.data.TFRecordDataset, cycle_length=8)
    if is_training:
        dataset = dataset.shuffle(10000)
    dataset = dataset.repeat(num_epochs).map(functools.partial(parse_record, is_training=is_training))
    return dataset.batch(batch_size).prefetch(1)


def parse_record(raw, is_training):
    parsed = tf.parse_single_example(raw, {"image/encoded": tf.FixedLenFeature([], tf.string),
                                           "image/class/label": tf.FixedLenFeature([], tf.int64)})
    image = tf.image.resize_images(tf.image.decode_jpeg(parsed["image/encoded"], 3), [224, 224])
    if is_training:
        image = tf.image.random_flip_left_right(image)
    return image - _MEAN_RGB, parsed["image/class/label"] - 1


def resnet_model_fn(features, labels, mode, params):
    training = mode == tf.estimator.ModeKeys.TRAIN
    net = tf.layers.conv2d(features, 64, 7, strides=2, padding="same", use_bias=False)
    for stage, filters in enumerate([64, 128, 256, 512]):
        net = tf.layers.conv2d(net, filters, 3, strides=2 if stage else 1, padding="same", use_bias=False)
        net = tf.layers.batch_normalization(net, momentum=0.9, epsilon=1e-5, training=training, fused=True)
        net = tf.nn.relu(net)
    logits = tf.layers.dense(tf.reduce_mean(net, [1, 2]), params["num_classes"])
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train_op = None
    if training:
        optimizer = tf.train.MomentumOptimizer(params["lr"], momentum=0.9)
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train_op = optimizer.minimize(loss, tf.train.get_or_create_global_step())
    metrics = {"accuracy": tf.metrics.accuracy(labels, tf.argmax(logits, 1))}
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op, eval_metric_ops=metrics)


def train_and_evaluate(args):
    estimator = tf.estimator.Estimator(resnet_model_fn, model_dir=args.model_dir,
                                       params={"num_classes": 1000, "lr": 0.1})
    # is_training here selects the data augmentation of the training input, not a BN mode.
    train_spec = tf.estimator.TrainSpec(
        input_fn=lambda: input_fn(is_training=True, data_dir=args.data_dir, batch_size=256, num_epochs=90),
        max_steps=args.max_steps)
    eval_spec = tf.estimator.EvalSpec(
        input_fn=lambda: input_fn(is_training=False, data_dir=args.data_dir, batch_size=256))
    tf.estimator.train_and_evaluate(estimator, train_spec, eval_spec)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--data_dir", required=True)
    parser.add_argument("--model_dir", default="/tmp/resnet")
    parser.add_argument("--max_steps", type=int, default=450000)
    train_and_evaluate(parser.parse_args())
