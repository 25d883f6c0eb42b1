"""Multi-GPU CIFAR-10 training in the style of cifar10_multi_gpu_train.py, with BN."""
import argparse

import tensorflow as tf

parser = argparse.ArgumentParser()
parser.add_argument("--num_gpus", type=int, default=2)
parser.add_argument("--batch_size", type=int, default=128)
parser.add_argument("--max_steps", type=int, default=100000)
parser.add_argument("--train_dir", default="/tmp/cifar10_train")
FLAGS = parser.parse_args()


def inference(images):
    net = images
    for i, filters in enumerate([64, 128, 256]):
        net = tf.layers.conv2d(net, filters, 3, padding="same", use_bias=False, name="conv%d" % i)
        net = tf.layers.batch_normalization(net, momentum=0.997, training=True, name="bn%d" % i)
        net = tf.nn.relu(net)
        net = tf.layers.max_pooling2d(net, 2, 2)
    return tf.layers.dense(tf.layers.flatten(net), 10, name="softmax_linear")


def tower_loss(images, labels):
    logits = inference(images)
    return tf.losses.sparse_softmax_cross_entropy(labels, logits)


def average_gradients(tower_grads):
    averaged = []
    for grad_and_vars in zip(*tower_grads):
        grads = tf.stack([g for g, _ in grad_and_vars])
        averaged.append((tf.reduce_mean(grads, 0), grad_and_vars[0][1]))
    return averaged


def train(dataset):
    global_step = tf.train.get_or_create_global_step()
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    tower_grads = []
    with tf.variable_scope(tf.get_variable_scope()):
        for i in range(FLAGS.num_gpus):
            with tf.device("/gpu:%d" % i), tf.name_scope("tower_%d" % i) as scope:
                images, labels = dataset.get_next()
                loss = tower_loss(images, labels)
                tf.get_variable_scope().reuse_variables()
                # Keep only the first tower's BN updates: the towers share the moving statistics.
                if i == 0:
                    batchnorm_updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS, scope)
                tower_grads.append(opt.compute_gradients(loss))

    grads = average_gradients(tower_grads)
    apply_gradient_op = opt.apply_gradients(grads, global_step=global_step)
    variable_averages = tf.train.ExponentialMovingAverage(0.9999, global_step)
    variables_averages_op = variable_averages.apply(tf.trainable_variables())
    batchnorm_updates_op = tf.group(*batchnorm_updates)
    train_op = tf.group(apply_gradient_op, variables_averages_op, batchnorm_updates_op)

    saver = tf.train.Saver(tf.global_variables())
    config = tf.ConfigProto(allow_soft_placement=True)
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(FLAGS.max_steps):
            sess.run(train_op)
            if step % 1000 == 0:
                saver.save(sess, FLAGS.train_dir + "/model.ckpt", global_step=step)


if __name__ == "__main__":
    files = tf.data.Dataset.list_files("/data/cifar10/train-*.tfrecord")
    train(files.flat_map(tf.data.TFRecordDataset).batch(FLAGS.batch_size).make_one_shot_iterator())
