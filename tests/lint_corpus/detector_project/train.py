"""Train the single-scale detector on VOC."""
import argparse

import tensorflow as tf

from backbone import darknet, detection_head
from losses import yolo_loss


def build_training_graph(images, boxes, args):
    global_step = tf.train.get_or_create_global_step()
    lr = tf.train.cosine_decay(args.lr, global_step, args.steps)
    optimizer = tf.train.MomentumOptimizer(lr, momentum=0.9)
    # Collected up front so the optimizer block below reads cleanly.
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)  # expect: BN002

    features = darknet(images, training=True)
    predictions = detection_head(features, num_anchors=5, num_classes=20, training=True)
    loss = yolo_loss(predictions, boxes)
    with tf.control_dependencies(update_ops):
        train_op = optimizer.minimize(loss, global_step=global_step)
    return train_op, loss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--voc_records", default="voc2012_train.tfrecord")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--steps", type=int, default=120000)
    parser.add_argument("--out", default="runs/detector")
    args = parser.parse_args()

    images = tf.placeholder(tf.float32, [None, 416, 416, 3])
    boxes = tf.placeholder(tf.float32, [None, 13, 13, 5, 25])
    train_op, loss = build_training_graph(images, boxes, args)
    saver = tf.train.Saver(tf.global_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(args.steps):
            _, loss_value = sess.run([train_op, loss], feed_dict=load_voc_batch(images, boxes))
            if step % 2000 == 0:
                saver.save(sess, args.out + "/model.ckpt", global_step=step)


def load_voc_batch(images, boxes):
    import numpy as np
    return {images: np.zeros((8, 416, 416, 3), np.float32), boxes: np.zeros((8, 13, 13, 5, 25), np.float32)}


if __name__ == "__main__":
    main()
