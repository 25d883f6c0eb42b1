"""CIFAR-10 training: the loss averages are a dependency of the train op, the BN updates are not."""
import tensorflow as tf

import resnet_model


def add_loss_averages(total_loss):
    averages = tf.train.ExponentialMovingAverage(0.9, name="avg")
    losses = tf.get_collection("losses")
    return averages.apply(losses + [total_loss])


def train_op_for(total_loss, global_step):
    loss_averages_op = add_loss_averages(total_loss)
    with tf.control_dependencies([loss_averages_op]):
        return tf.train.GradientDescentOptimizer(0.1).minimize(total_loss, global_step=global_step)  # expect: BN001


def main(images, labels, steps):
    global_step = tf.train.get_or_create_global_step()
    logits = resnet_model.cifar10_model_fn(images, 32, resnet_model.Cifar10Model)
    total_loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train_op = train_op_for(total_loss, global_step)
    with tf.train.MonitoredTrainingSession(checkpoint_dir="/tmp/cifar") as sess:
        for _ in range(steps):
            sess.run(train_op)
