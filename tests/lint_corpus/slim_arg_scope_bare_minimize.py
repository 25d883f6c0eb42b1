"""LeNet-style digit recognizer in TF-Slim, trained with a plain optimizer.minimize."""
import argparse

import tensorflow as tf
from tensorflow.contrib import slim


def lenet_bn(images, is_training, num_classes=10):
    batch_norm_params = {"is_training": is_training, "decay": 0.9, "scale": True}
    with slim.arg_scope([slim.conv2d, slim.fully_connected],
                        activation_fn=tf.nn.relu,
                        normalizer_fn=slim.batch_norm,
                        normalizer_params=batch_norm_params,
                        weights_initializer=tf.truncated_normal_initializer(stddev=0.01)):
        net = slim.conv2d(images, 20, [5, 5], scope="conv1")
        net = slim.max_pool2d(net, [2, 2], 2, scope="pool1")
        net = slim.conv2d(net, 50, [5, 5], scope="conv2")
        net = slim.max_pool2d(net, [2, 2], 2, scope="pool2")
        net = slim.flatten(net)
        net = slim.fully_connected(net, 500, scope="fc3")
        return slim.fully_connected(net, num_classes, activation_fn=None, normalizer_fn=None, scope="fc4")


def read_svhn(path, batch_size):
    import scipy.io
    mat = scipy.io.loadmat(path)
    images = mat["X"].transpose(3, 0, 1, 2).astype("float32") / 255.0
    labels = mat["y"].reshape(-1) % 10
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(10000).repeat().batch(batch_size)
    return dataset.make_one_shot_iterator().get_next()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train_mat", default="svhn/train_32x32.mat")
    parser.add_argument("--batch_size", type=int, default=128)
    parser.add_argument("--num_steps", type=int, default=30000)
    args = parser.parse_args()

    images, labels = read_svhn(args.train_mat, args.batch_size)
    is_training = tf.placeholder_with_default(True, shape=[], name="is_training")
    logits = lenet_bn(images, is_training)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    global_step = tf.train.get_or_create_global_step()
    optimizer = tf.train.AdamOptimizer(learning_rate=1e-3)
    train_op = optimizer.minimize(loss, global_step=global_step)  # expect: BN001

    saver = tf.train.Saver(tf.global_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.num_steps):
            _, loss_value = sess.run([train_op, loss])
            if step % 1000 == 0:
                print("step", step, "loss", loss_value)
                saver.save(sess, "svhn_lenet/model.ckpt", global_step=global_step)


if __name__ == "__main__":
    main()
