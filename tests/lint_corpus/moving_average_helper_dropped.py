"""Graph-mode WaveNet-lite vocoder with a BN helper built on moving_averages."""
import argparse

import tensorflow as tf
from tensorflow.python.training import moving_averages

BN_DECAY = 0.9997
BN_EPSILON = 0.001


def bn(x, is_training, name):
    """Batch norm over [batch, time, channels] with population statistics for synthesis."""
    params_shape = x.get_shape()[-1:]
    with tf.variable_scope(name):
        beta = tf.get_variable("beta", params_shape, initializer=tf.zeros_initializer())
        gamma = tf.get_variable("gamma", params_shape, initializer=tf.ones_initializer())
        moving_mean = tf.get_variable("moving_mean", params_shape, initializer=tf.zeros_initializer(),
                                      trainable=False)
        moving_variance = tf.get_variable("moving_variance", params_shape, initializer=tf.ones_initializer(),
                                          trainable=False)
        if not is_training:
            return tf.nn.batch_normalization(x, moving_mean, moving_variance, beta, gamma, BN_EPSILON)
        mean, variance = tf.nn.moments(x, [0, 1])
        # The two update ops are created here but nobody keeps them: they are never run.
        update_moving_mean = moving_averages.assign_moving_average(moving_mean, mean, BN_DECAY)  # expect: BN007
        update_moving_variance = moving_averages.assign_moving_average(  # expect: BN007
            moving_variance, variance, BN_DECAY)
        return tf.nn.batch_normalization(x, mean, variance, beta, gamma, BN_EPSILON)


def residual_stack(audio, conditioning, is_training, layers=10, channels=64):
    x = tf.layers.conv1d(audio, channels, 1, name="input_proj")
    skips = []
    for i in range(layers):
        with tf.variable_scope("layer%d" % i):
            h = tf.layers.conv1d(x, 2 * channels, 2, dilation_rate=2 ** (i % 10), padding="causal")
            h = bn(h, is_training, "bn") + tf.layers.conv1d(conditioning, 2 * channels, 1)
            gate, filt = tf.split(h, 2, axis=-1)
            out = tf.tanh(filt) * tf.sigmoid(gate)
            skips.append(out)
            x = x + tf.layers.conv1d(out, channels, 1)
    return tf.layers.conv1d(tf.nn.relu(tf.add_n(skips)), 256, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wav_records", default="ljspeech.tfrecord")
    parser.add_argument("--steps", type=int, default=500000)
    args = parser.parse_args()

    audio = tf.placeholder(tf.float32, [None, 16000, 1])
    mels = tf.placeholder(tf.float32, [None, 16000, 80])
    targets = tf.placeholder(tf.int32, [None, 16000])
    logits = residual_stack(audio, mels, is_training=True)
    loss = tf.losses.sparse_softmax_cross_entropy(targets, logits)
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
    with tf.train.MonitoredTrainingSession(checkpoint_dir="runs/vocoder") as sess:
        for _ in range(args.steps):
            sess.run(train_op)


if __name__ == "__main__":
    main()
