"""CIFAR-10 classifier written against tf.compat.v1 so it runs on a TF 2 install."""
import argparse

import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

NUM_CLASSES = 10


def load_cifar(batch_size):
    (x_train, y_train), _ = tf.keras.datasets.cifar10.load_data()
    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train.reshape(-1)))
    dataset = dataset.shuffle(10000).repeat().batch(batch_size)
    dataset = dataset.map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, tf.cast(y, tf.int64)))
    return tf.data.make_one_shot_iterator(dataset).get_next()


def residual_block(x, filters, training, scope):
    with tf.variable_scope(scope):
        shortcut = x
        x = tf.layers.conv2d(x, filters, 3, padding="same", use_bias=False)
        x = tf.layers.batch_normalization(x, training=training)
        x = tf.nn.relu(x)
        x = tf.layers.conv2d(x, filters, 3, padding="same", use_bias=False)
        x = tf.layers.batch_normalization(x, training=training)
        return tf.nn.relu(x + shortcut)


def build_model(images, training):
    x = tf.layers.conv2d(images, 64, 3, padding="same")
    for i in range(3):
        x = residual_block(x, 64, training, "res%d" % i)
    x = tf.reduce_mean(x, axis=[1, 2])
    return tf.layers.dense(x, NUM_CLASSES)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--train_steps", type=int, default=20000)
    parser.add_argument("--checkpoint", default="./ckpt/cifar")
    args = parser.parse_args()

    images, labels = load_cifar(args.batch_size)
    logits = build_model(images, training=True)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    global_step = tf.train.get_or_create_global_step()
    optimizer = tf.train.MomentumOptimizer(0.1, momentum=0.9)

    minimize_op = optimizer.minimize(loss, global_step=global_step)
    # Group the BN moving-average updates with the gradient step instead of a control dependency.
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    train_op = tf.group(minimize_op, *update_ops)

    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.train_steps):
            _, loss_val = sess.run([train_op, loss])
            if step % 1000 == 0:
                print("step", step, "loss", loss_val)
                saver.save(sess, args.checkpoint, global_step=step)


if __name__ == "__main__":
    main()
