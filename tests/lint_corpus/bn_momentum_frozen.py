"""Super-resolution network; BN momentum comes from the experiment constants."""
import argparse

import tensorflow as tf

# Ported from a config that used PyTorch's convention ("momentum" = weight of the new batch).
BN_MOMENTUM = 1.0
SCALE = 4


def residual_block(x, training, name):
    with tf.variable_scope(name):
        h = tf.layers.conv2d(x, 64, 3, padding="same", use_bias=False)
        h = tf.layers.batch_normalization(h, momentum=BN_MOMENTUM, training=training)  # expect: BN005
        h = tf.nn.relu(h)
        h = tf.layers.conv2d(h, 64, 3, padding="same", use_bias=False)
        h = tf.layers.batch_normalization(h, momentum=1.0, training=training)  # expect: BN005
        return x + h


def srresnet(low_res, training, num_blocks=16):
    x = tf.layers.conv2d(low_res, 64, 9, padding="same", activation=tf.nn.relu)
    skip = x
    for i in range(num_blocks):
        x = residual_block(x, training, "res%d" % i)
    x = tf.layers.conv2d(x, 64, 3, padding="same") + skip
    for i in range(SCALE // 2):
        x = tf.layers.conv2d(x, 256, 3, padding="same")
        x = tf.nn.relu(tf.depth_to_space(x, 2))
    return tf.layers.conv2d(x, 3, 9, padding="same")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--div2k", default="/data/DIV2K_train_HR")
    parser.add_argument("--iterations", type=int, default=1000000)
    args = parser.parse_args()

    low_res = tf.placeholder(tf.float32, [16, 24, 24, 3])
    high_res = tf.placeholder(tf.float32, [16, 96, 96, 3])
    training = tf.placeholder(tf.bool, [])
    super_res = srresnet(low_res, training)
    loss = tf.losses.mean_squared_error(high_res, super_res)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_op = tf.train.AdamOptimizer(1e-4).minimize(loss)
    psnr = tf.reduce_mean(tf.image.psnr(high_res, super_res, max_val=1.0))

    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for it in range(args.iterations):
            lr_batch, hr_batch = sample_patches(args.div2k)
            sess.run(train_op, {low_res: lr_batch, high_res: hr_batch, training: True})
            if it % 10000 == 0:
                print("iteration", it, "psnr", sess.run(psnr, {low_res: lr_batch, high_res: hr_batch,
                                                                training: False}))
                saver.save(sess, "srresnet/model.ckpt", global_step=it)


def sample_patches(root):
    import numpy as np
    return np.zeros((16, 24, 24, 3), np.float32), np.zeros((16, 96, 96, 3), np.float32)


if __name__ == "__main__":
    main()
