"""Fine-tune a small Inception-style net with tf_slim on a custom dataset (TF 2 + compat.v1)."""
import argparse

import tensorflow.compat.v1 as tf
import tf_slim as slim

tf.disable_v2_behavior()


def inception_module(net, depth, scope):
    with tf.variable_scope(scope):
        branch_0 = slim.conv2d(net, depth, [1, 1], scope="Conv2d_0a_1x1")
        branch_1 = slim.conv2d(net, depth, [1, 1], scope="Conv2d_1a_1x1")
        branch_1 = slim.conv2d(branch_1, depth, [3, 3], scope="Conv2d_1b_3x3")
        branch_2 = slim.max_pool2d(net, [3, 3], stride=1, padding="SAME", scope="MaxPool_2a_3x3")
        branch_2 = slim.conv2d(branch_2, depth, [1, 1], scope="Conv2d_2b_1x1")
        return tf.concat([branch_0, branch_1, branch_2], axis=3)


def mini_inception(images, num_classes, is_training):
    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,
                        normalizer_params={"is_training": is_training, "decay": 0.9997, "epsilon": 0.001}):
        net = slim.conv2d(images, 64, [7, 7], stride=2, scope="Conv2d_1a_7x7")
        net = slim.max_pool2d(net, [3, 3], stride=2, scope="MaxPool_2a_3x3")
        net = inception_module(net, 64, "Mixed_3b")
        net = inception_module(net, 128, "Mixed_4b")
        net = tf.reduce_mean(net, [1, 2], keepdims=True)
        net = slim.conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None, scope="Logits")
        return tf.squeeze(net, [1, 2])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset_dir", default="/data/plants")
    parser.add_argument("--train_dir", default="/tmp/plants_inception")
    parser.add_argument("--max_number_of_steps", type=int, default=20000)
    args = parser.parse_args()

    files = tf.gfile.Glob(args.dataset_dir + "/train-*")
    dataset = tf.data.TFRecordDataset(files).map(decode_example).shuffle(5000).repeat().batch(32)
    images, labels = tf.data.make_one_shot_iterator(dataset).get_next()
    logits = mini_inception(images, num_classes=38, is_training=True)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    global_step = tf.train.get_or_create_global_step()
    optimizer = tf.train.MomentumOptimizer(0.01, momentum=0.9)
    train_op = optimizer.minimize(  # expect: BN001
        loss,
        global_step=global_step,
        var_list=tf.trainable_variables(),
    )
    hooks = [tf.train.StopAtStepHook(last_step=args.max_number_of_steps)]
    with tf.train.MonitoredTrainingSession(checkpoint_dir=args.train_dir, hooks=hooks) as sess:
        while not sess.should_stop():
            sess.run(train_op)


def decode_example(serialized):
    example = tf.parse_single_example(serialized, {"image": tf.FixedLenFeature([], tf.string),
                                                   "label": tf.FixedLenFeature([], tf.int64)})
    image = tf.image.resize(tf.image.decode_png(example["image"], 3), [224, 224]) / 255.0
    return image, example["label"]


if __name__ == "__main__":
    main()
