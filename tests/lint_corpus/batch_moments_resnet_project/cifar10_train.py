"""Train ResNet-32 on CIFAR-10, validate every epoch, and test a checkpoint."""
import numpy as np
import tensorflow as tf

from hyper_parameters import *
from resnet import inference


class Train(object):
    def __init__(self):
        self.image_placeholder = tf.placeholder(tf.float32, [FLAGS.train_batch_size, 32, 32, 3])
        self.label_placeholder = tf.placeholder(tf.int32, [FLAGS.train_batch_size])
        self.vali_image_placeholder = tf.placeholder(tf.float32, [FLAGS.validation_batch_size, 32, 32, 3])
        self.vali_label_placeholder = tf.placeholder(tf.int32, [FLAGS.validation_batch_size])

    def build_train_validation_graph(self):
        global_step = tf.Variable(0, trainable=False)
        logits = inference(self.image_placeholder, FLAGS.num_residual_blocks, reuse=False)
        vali_logits = inference(self.vali_image_placeholder, FLAGS.num_residual_blocks, reuse=True)
        self.full_loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            logits=logits, labels=self.label_placeholder))
        self.train_op = tf.train.MomentumOptimizer(0.1, 0.9).minimize(self.full_loss, global_step=global_step)
        self.vali_top1 = tf.reduce_mean(tf.cast(tf.nn.in_top_k(vali_logits, self.vali_label_placeholder, 1),
                                                tf.float32))

    def test(self, test_images, checkpoint):
        batch = tf.placeholder(tf.float32, [FLAGS.validation_batch_size, 32, 32, 3])
        predictions = tf.nn.softmax(inference(batch, FLAGS.num_residual_blocks, reuse=False))
        saver = tf.train.Saver(tf.all_variables())
        with tf.Session() as sess:
            saver.restore(sess, checkpoint)
            results = [sess.run(predictions, feed_dict={batch: images})
                       for images in np.split(test_images, len(test_images) // FLAGS.validation_batch_size)]
        return np.concatenate(results)
