"""Train and periodically validate a plant-disease classifier; train and eval graphs share weights."""
import argparse

import tensorflow as tf


def classifier(images, training, reuse=None):
    with tf.variable_scope("classifier", reuse=reuse):
        net = images
        for i, filters in enumerate([32, 64, 128, 128]):
            net = tf.layers.conv2d(net, filters, 3, padding="same", use_bias=False, name="conv%d" % i)
            net = tf.layers.batch_normalization(net, training=training, name="bn%d" % i)
            net = tf.layers.max_pooling2d(tf.nn.relu(net), 2, 2)
        net = tf.reduce_mean(net, axis=[1, 2])
        return tf.layers.dense(net, 38, name="logits")


def build_train_graph(images, labels, learning_rate):
    logits = classifier(images, training=True)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.train.AdamOptimizer(learning_rate).minimize(loss)
    return train_op, loss


def build_eval_graph(images, labels):
    # Validation batches pass through BN in training mode: they use batch statistics and their
    # update ops overwrite the moving averages whenever anything runs them.
    logits = classifier(images, training=True, reuse=True)  # expect: BN006
    predictions = tf.argmax(logits, axis=1)
    return tf.reduce_mean(tf.cast(tf.equal(predictions, labels), tf.float32))


def dataset(pattern, batch_size, shuffle):
    files = tf.data.Dataset.list_files(pattern, shuffle=shuffle)
    records = files.flat_map(tf.data.TFRecordDataset)
    parsed = records.map(lambda r: tf.parse_single_example(
        r, {"image": tf.FixedLenFeature([], tf.string), "label": tf.FixedLenFeature([], tf.int64)}))
    pairs = parsed.map(lambda e: (tf.image.resize_images(tf.image.decode_jpeg(e["image"], 3), [128, 128]) / 255.0,
                                  e["label"]))
    if shuffle:
        pairs = pairs.shuffle(4096)
    return pairs.repeat().batch(batch_size).make_one_shot_iterator().get_next()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", default="plantvillage/train-*")
    parser.add_argument("--val", default="plantvillage/val-*")
    parser.add_argument("--steps", type=int, default=30000)
    args = parser.parse_args()

    train_op, loss = build_train_graph(*dataset(args.train, 64, True), learning_rate=1e-3)
    val_accuracy = build_eval_graph(*dataset(args.val, 256, False))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            sess.run(train_op)
            if step % 1000 == 0:
                print("step %d loss %.3f val acc %.3f" % (step, sess.run(loss), sess.run(val_accuracy)))


if __name__ == "__main__":
    main()
