"""A GAN whose BN is chosen on the command line: with --use_bn the networks build BN."""
import argparse

import tensorflow as tf

import network

parser = argparse.ArgumentParser()
parser.add_argument("--use_bn", action="store_true")
args = parser.parse_args()

z = tf.placeholder(tf.float32, [None, 100])
real = tf.placeholder(tf.float32, [None, 28, 28, 1])
fake = network.generator(z, use_bn=args.use_bn)
d_loss = tf.reduce_mean(network.discriminator(fake, use_bn=args.use_bn)) - tf.reduce_mean(
    network.discriminator(real, use_bn=args.use_bn)
)
d_opt = tf.train.RMSPropOptimizer(5e-5).minimize(d_loss)  # expect: BN001
