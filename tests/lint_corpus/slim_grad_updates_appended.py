"""slim-style image classifier training: the gradient update is appended to the UPDATE_OPS list,
grouped, and the loss returned by slim.learning.train depends on the group."""
import tensorflow as tf
from tensorflow.contrib import slim
from tensorflow.python.ops import control_flow_ops

FLAGS = tf.app.flags.FLAGS
tf.app.flags.DEFINE_string("train_dir", "/tmp/train", "where to write checkpoints")
tf.app.flags.DEFINE_float("moving_average_decay", None, "weight EMA decay")


def network(images, is_training):
    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,
                        normalizer_params={"is_training": is_training, "decay": 0.997}):
        net = slim.conv2d(images, 32, 3, stride=2)
        net = slim.conv2d(net, 64, 3, stride=2)
        net = tf.reduce_mean(net, [1, 2])
    return slim.fully_connected(net, 1000, activation_fn=None)


def main(_):
    images = tf.random_uniform([32, 224, 224, 3])
    labels = tf.random_uniform([32], maxval=1000, dtype=tf.int64)
    global_step = tf.train.get_or_create_global_step()
    logits = network(images, is_training=True)
    total_loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    if FLAGS.moving_average_decay:
        averages = tf.train.ExponentialMovingAverage(FLAGS.moving_average_decay, global_step)
        update_ops.append(averages.apply(slim.get_model_variables()))
    optimizer = tf.train.RMSPropOptimizer(0.01, decay=0.9, momentum=0.9)
    gradients = optimizer.compute_gradients(total_loss)
    grad_updates = optimizer.apply_gradients(gradients, global_step=global_step)
    update_ops.append(grad_updates)
    update_op = tf.group(*update_ops)
    train_tensor = control_flow_ops.with_dependencies([update_op], total_loss, name="train_op")
    slim.learning.train(train_tensor, logdir=FLAGS.train_dir, number_of_steps=100000)


if __name__ == "__main__":
    tf.app.run()
