"""Segmentation training that scores a validation net every epoch: the net is asked for the training mode."""
import tensorflow as tf

from readers import ImageReader


class SegNet(object):
    def __init__(self, images, labels, num_classes, mode='train'):
        is_training = mode == 'train'
        net = tf.layers.conv2d(images, 32, 3, padding='same')
        net = tf.nn.relu(tf.layers.batch_normalization(net, training=is_training))
        self.logits = tf.layers.conv2d(net, num_classes, 1)
        self.loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=self.logits))


train_reader = ImageReader('train.txt', mode='train')
train_net = SegNet(train_reader.images, train_reader.labels, 21, mode='train')
with tf.variable_scope('', reuse=True):
    val_reader = ImageReader('val.txt', mode='eval')
    val_net = SegNet(val_reader.images, val_reader.labels, 21, mode='train')  # expect: BN006

update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(update_ops):
    train_op = tf.train.MomentumOptimizer(1e-3, 0.9).minimize(train_net.loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(10000):
        loss, _ = sess.run([train_net.loss, train_op])
        if step % 100 == 0:
            print(step, loss, sess.run(val_net.loss))
