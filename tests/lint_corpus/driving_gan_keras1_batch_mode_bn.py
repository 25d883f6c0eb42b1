"""Driving-video GAN on Keras 1 layers in a Session: mode=2 BN uses batch statistics always, no averages."""
import tensorflow as tf
from keras import backend as K
from keras.layers import BatchNormalization, Convolution2D, Dense, Flatten, Input
from keras.models import Model

image = Input(shape=(80, 160, 3))
net = Convolution2D(32, 5, 5, subsample=(2, 2), border_mode="same")(image)
net = BatchNormalization(mode=2)(net)
net = Convolution2D(64, 5, 5, subsample=(2, 2), border_mode="same")(net)
net = BatchNormalization(mode=2)(net)
code = Dense(512)(Flatten()(net))
encoder = Model(input=image, output=code)

images = tf.placeholder(tf.float32, [None, 80, 160, 3])
loss = tf.reduce_mean(tf.square(encoder(images)))
train_op = tf.train.AdamOptimizer(2e-4, beta1=0.5).minimize(loss, var_list=encoder.trainable_weights)

with tf.Session() as sess:
    K.set_session(sess)
    sess.run(tf.global_variables_initializer())
    for batch in range(100):
        sess.run(train_op, feed_dict={images: batch_of_frames(batch), K.learning_phase(): 1})
