"""Single-image depth inference with the trained depth network."""
import numpy as np
import tensorflow as tf
from nets import *


class DepthPredictor(object):
    def __init__(self, height=128, width=416):
        self.height = height
        self.width = width

    def build_depth_test_graph(self):
        self.image = tf.placeholder(tf.uint8, [1, self.height, self.width, 3], name='raw_input')
        image = tf.image.convert_image_dtype(self.image, dtype=tf.float32)
        with tf.name_scope('depth_prediction'):
            self.depth = depth_net(image)  # expect: BN006

    def build_motion_test_graph(self):
        target = tf.placeholder(tf.float32, [1, self.height, self.width, 3])
        sources = tf.placeholder(tf.float32, [1, self.height, self.width, 6])
        self.motion = motion_net(target, sources, is_training=False)

    def predict(self, checkpoint, frames):
        self.build_depth_test_graph()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            saver.restore(sess, checkpoint)
            return [sess.run(self.depth, {self.image: frame[None]}) for frame in frames]


if __name__ == '__main__':
    frames = np.zeros([2, 128, 416, 3], np.uint8)
    print(DepthPredictor().predict('checkpoints/model-1000', frames)[0].shape)
