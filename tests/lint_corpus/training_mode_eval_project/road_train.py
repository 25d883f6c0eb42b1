"""Trains RoadModel and reports the validation loss after every epoch."""
import numpy as np
import tensorflow as tf
from road_model import RoadModel

model = RoadModel()
val_images = np.zeros([8, 256, 512, 3], np.float32)
val_labels = np.zeros([8, 256, 512], np.int64)
saver = tf.train.Saver(max_to_keep=3)
sess = tf.Session()


def evaluate_on_val():
    losses = []
    for start in range(0, len(val_images), 4):
        feed = {model.images: val_images[start:start + 4], model.labels: val_labels[start:start + 4]}
        losses.append(sess.run(model.loss, feed_dict=feed))
    return np.mean(losses)


sess.run(tf.global_variables_initializer())
for epoch in range(20):
    for step in range(100):
        images = np.random.rand(4, 256, 512, 3)
        labels = np.random.randint(0, 20, [4, 256, 512])
        sess.run(model.train_op, feed_dict={model.images: images, model.labels: labels})
    print('epoch %d val loss %.4f' % (epoch, evaluate_on_val()))
    saver.save(sess, 'checkpoints/road', global_step=epoch)
