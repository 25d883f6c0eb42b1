"""Multi-GPU video classifier: per tower, the label loss waits on a barrier that waits on the BN
updates; the train op and the loss travel through graph collections to the training loop, which
fetches them together, so the updates run with every step."""
import tensorflow as tf
from tensorflow.contrib import slim


def video_model(features, is_training):
    net = slim.fully_connected(features, 1024, activation_fn=None)
    net = slim.batch_norm(net, is_training=is_training, scope="hidden_bn")
    return slim.fully_connected(tf.nn.relu(net), 3862, activation_fn=None)


def build_graph(features, labels, num_towers, optimizer):
    global_step = tf.train.get_or_create_global_step()
    tower_features = tf.split(features, num_towers)
    tower_labels = tf.split(labels, num_towers)
    tower_losses = []
    tower_gradients = []
    for i in range(num_towers):
        with tf.device("/gpu:%d" % i), tf.variable_scope("tower", reuse=i > 0):
            logits = video_model(tower_features[i], is_training=True)
            label_loss = tf.reduce_mean(
                tf.nn.sigmoid_cross_entropy_with_logits(labels=tower_labels[i], logits=logits))
            update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
            if update_ops:
                with tf.control_dependencies(update_ops):
                    barrier = tf.no_op(name="gradient_barrier")
                    with tf.control_dependencies([barrier]):
                        label_loss = tf.identity(label_loss)
            tower_losses.append(label_loss)
            tower_gradients.append(optimizer.compute_gradients(label_loss))
    label_loss = tf.reduce_mean(tf.stack(tower_losses))
    merged = [(tf.add_n([g for g, _ in pairs]) / num_towers, pairs[0][1]) for pairs in zip(*tower_gradients)]
    train_op = optimizer.apply_gradients(merged, global_step=global_step)
    tf.add_to_collection("global_step", global_step)
    tf.add_to_collection("loss", label_loss)
    tf.add_to_collection("train_op", train_op)


def train_loop(sess, steps):
    global_step = tf.get_collection("global_step")[0]
    loss = tf.get_collection("loss")[0]
    train_op = tf.get_collection("train_op")[0]
    for _ in range(steps):
        _, step, loss_value = sess.run([train_op, global_step, loss])
        if step % 100 == 0:
            print(step, loss_value)
