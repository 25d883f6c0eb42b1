"""Export the inference graph: BN in inference mode, and a Saver that restores everything."""
import tensorflow.compat.v1 as tf

from segnet.unet import unet


def export(checkpoint, out_dir):
    with tf.Graph().as_default():
        images = tf.placeholder(tf.float32, [None, 256, 256, 3], name="images")
        tf.identity(tf.argmax(unet(images, 21, training=False), -1), name="classes")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            saver.restore(sess, checkpoint)
            tf.saved_model.simple_save(sess, out_dir, {"images": images}, {})
