"""Click-through-rate model on tf.compat.v1; pinned to TF 2.15, where tf.compat.v1.layers still works."""
import argparse

import tensorflow as tf

tf.compat.v1.disable_eager_execution()


def deep_tower(dense_features, training):
    net = dense_features
    for i, width in enumerate([512, 256, 128]):
        net = tf.compat.v1.layers.dense(net, width, use_bias=False, name="fc%d" % i)
        net = tf.compat.v1.layers.batch_normalization(net, training=training, name="fc%d_bn" % i)
        net = tf.nn.relu(net)
    return tf.compat.v1.layers.dense(net, 1, name="ctr_logit")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train_files", default="gs://ctr/train/part-*")
    parser.add_argument("--steps", type=int, default=200000)
    args = parser.parse_args()

    dataset = tf.data.experimental.make_csv_dataset(args.train_files, batch_size=1024, label_name="clicked")
    features, clicked = tf.compat.v1.data.make_one_shot_iterator(dataset).get_next()
    dense = tf.stack([tf.cast(value, tf.float32) for value in features.values()], axis=1)
    training = tf.compat.v1.placeholder_with_default(True, [], name="training")
    logits = tf.squeeze(deep_tower(dense, training), axis=1)
    loss = tf.compat.v1.losses.sigmoid_cross_entropy(clicked, logits)
    update_ops = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.compat.v1.train.AdagradOptimizer(0.05).minimize(loss)

    saver = tf.compat.v1.train.Saver()
    with tf.compat.v1.Session() as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        for step in range(args.steps):
            sess.run(train_op)
            if step % 10000 == 0:
                saver.save(sess, "ckpt/ctr", global_step=step)


if __name__ == "__main__":
    main()
