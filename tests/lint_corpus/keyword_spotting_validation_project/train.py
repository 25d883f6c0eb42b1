"""Train a keyword spotter and keep the checkpoint with the best validation accuracy."""
import numpy as np
import tensorflow as tf

import input_data
import models

SETTINGS = {'frames': 49, 'bins': 10, 'labels': 12}


def main():
    audio = input_data.AudioProcessor('speech_dataset/', SETTINGS)
    fingerprint_input = tf.placeholder(tf.float32, [None, 490], name='fingerprint_input')
    ground_truth = tf.placeholder(tf.int64, [None], name='groundtruth_input')
    logits = models.create_model(fingerprint_input, SETTINGS, 'ds_cnn', is_training=True)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=ground_truth, logits=logits)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_step = tf.train.AdamOptimizer(5e-4).minimize(loss)
    evaluation_step = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), ground_truth), tf.float32))
    saver = tf.train.Saver(tf.global_variables())
    best = 0.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(20000):
            x, y = audio.get_data(100, 'training', sess)
            sess.run(train_step, feed_dict={fingerprint_input: x, ground_truth: y})
            if step % 400 == 0:
                validation_fingerprints, validation_truth = audio.get_data(-1, 'validation', sess)
                accuracy = sess.run(  # expect: BN006
                    evaluation_step,
                    feed_dict={fingerprint_input: validation_fingerprints, ground_truth: validation_truth},
                )
                if accuracy > best:
                    best = accuracy
                    saver.save(sess, 'train/best.ckpt', global_step=step)
    print('best validation accuracy %.3f' % np.float32(best))


if __name__ == '__main__':
    main()
