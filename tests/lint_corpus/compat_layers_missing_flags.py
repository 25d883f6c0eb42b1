"""Graph-mode NCHW image model for a GPU inference server; BN flags were lost in a refactor."""
import argparse

import tensorflow as tf
import tf_slim as slim

tf.compat.v1.disable_eager_execution()


def stem(images_nchw, training):
    net = tf.compat.v1.layers.conv2d(images_nchw, 64, 7, strides=2, padding="same", data_format="channels_first",
                                     use_bias=False)
    net = tf.compat.v1.layers.batch_normalization(net, axis=1, fused=True)  # expect: BN004
    return tf.nn.relu(net)


def head(features, num_classes, is_training):
    net = tf.reduce_mean(features, axis=[2, 3])
    net = slim.fully_connected(net, 512, activation_fn=None, scope="fc")
    net = slim.batch_norm(net, scale=True, scope="fc_bn")  # expect: BN004
    net = slim.dropout(tf.nn.relu(net), keep_prob=0.8, is_training=is_training)
    return slim.fully_connected(net, num_classes, activation_fn=None, scope="logits")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", default="train.tfrecord")
    parser.add_argument("--steps", type=int, default=100000)
    args = parser.parse_args()

    images = tf.compat.v1.placeholder(tf.float32, [None, 3, 224, 224])
    labels = tf.compat.v1.placeholder(tf.int64, [None])
    is_training = tf.compat.v1.placeholder_with_default(False, [])
    features = stem(images, is_training)
    for i, filters in enumerate([128, 256, 512]):
        features = tf.compat.v1.layers.conv2d(features, filters, 3, strides=2, padding="same",
                                              data_format="channels_first", use_bias=False, name="conv%d" % i)
        features = tf.compat.v1.layers.batch_normalization(features, axis=1, training=is_training, name="bn%d" % i)
        features = tf.nn.relu(features)
    logits = head(features, 1000, is_training)
    loss = tf.compat.v1.losses.sparse_softmax_cross_entropy(labels, logits)
    update_ops = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.compat.v1.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    with tf.compat.v1.Session() as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        for _ in range(args.steps):
            sess.run(train_op, {is_training: True})


if __name__ == "__main__":
    main()
