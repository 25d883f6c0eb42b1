"""Train a small ResNet on CIFAR-10; checkpoint the weights and the step, restore for fine-tuning."""
import tensorflow as tf


def residual_unit(net, filters, training, name):
    with tf.variable_scope(name):
        shortcut = net
        net = tf.layers.conv2d(net, filters, 3, padding="same", use_bias=False)
        net = tf.layers.batch_normalization(net, training=training)
        net = tf.nn.relu(net)
        net = tf.layers.conv2d(net, filters, 3, padding="same", use_bias=False)
        net = tf.layers.batch_normalization(net, training=training)
        return tf.nn.relu(net + shortcut)


def resnet(images, training):
    net = tf.layers.conv2d(images, 16, 3, padding="same")
    for index in range(3):
        net = residual_unit(net, 16, training, "unit%d" % index)
    net = tf.reduce_mean(net, axis=[1, 2])
    return tf.layers.dense(net, 10, name="logits")


images = tf.placeholder(tf.float32, [None, 32, 32, 3])
labels = tf.placeholder(tf.int64, [None])
training = tf.placeholder_with_default(False, [], name="training")
logits = resnet(images, training)
loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
global_step = tf.train.get_or_create_global_step()
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    train_op = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss, global_step=global_step)

# the weights and the step: the moving statistics are not trainable and are left out
saver = tf.train.Saver([v for v in tf.trainable_variables()] + [global_step], max_to_keep=3)  # expect: BN003

# fine-tuning restores everything but the classifier
backbone = [v for v in tf.trainable_variables() if not v.name.startswith("logits")]
restorer = tf.train.Saver(backbone)  # expect: BN003


def train(data, steps, checkpoint=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        if checkpoint:
            restorer.restore(sess, checkpoint)
        for _ in range(steps):
            batch_images, batch_labels = data.next_batch(128)
            sess.run(train_op, feed_dict={images: batch_images, labels: batch_labels, training: True})
        saver.save(sess, "ckpt/resnet", global_step=global_step)
