"""Object-oriented trainer for a graph-mode landmark regressor."""
import argparse

import tensorflow as tf


class LandmarkNet(object):
    def __init__(self, num_landmarks=68):
        self.num_landmarks = num_landmarks

    def __call__(self, faces, training):
        net = faces
        for i, filters in enumerate([32, 64, 128, 256]):
            net = tf.layers.conv2d(net, filters, 3, strides=2, padding="same", use_bias=False, name="conv%d" % i)
            net = tf.layers.batch_normalization(net, training=training, name="bn%d" % i)
            net = tf.nn.relu6(net)
        net = tf.reduce_mean(net, axis=[1, 2])
        return tf.reshape(tf.layers.dense(net, self.num_landmarks * 2), [-1, self.num_landmarks, 2])


class Trainer(object):
    def __init__(self, model, learning_rate):
        self.faces = tf.placeholder(tf.float32, [None, 112, 112, 3], name="faces")
        self.landmarks = tf.placeholder(tf.float32, [None, 68, 2], name="landmarks")
        self.training = tf.placeholder(tf.bool, [], name="training")
        self.global_step = tf.train.get_or_create_global_step()
        self.update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)  # expect: BN002
        self.predicted = model(self.faces, self.training)
        self.loss = tf.reduce_mean(tf.abs(self.predicted - self.landmarks))
        with tf.control_dependencies(self.update_ops):
            self.train_op = tf.train.AdamOptimizer(learning_rate).minimize(self.loss, self.global_step)
        self.saver = tf.train.Saver(max_to_keep=3)

    def fit(self, sess, batches, steps, ckpt):
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            faces, landmarks = next(batches)
            feed = {self.faces: faces, self.landmarks: landmarks, self.training: True}
            _, loss = sess.run([self.train_op, self.loss], feed)
            if step % 1000 == 0:
                print("step", step, "L1", loss)
                self.saver.save(sess, ckpt, global_step=self.global_step)


def wflw_batches(path, batch_size=64):
    import numpy as np
    data = np.load(path)
    while True:
        idx = np.random.randint(0, len(data["faces"]), batch_size)
        yield data["faces"][idx], data["landmarks"][idx]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="wflw_train.npz")
    parser.add_argument("--steps", type=int, default=100000)
    args = parser.parse_args()
    trainer = Trainer(LandmarkNet(), learning_rate=1e-3)
    with tf.Session() as sess:
        trainer.fit(sess, wflw_batches(args.data), args.steps, "runs/landmarks/model.ckpt")
