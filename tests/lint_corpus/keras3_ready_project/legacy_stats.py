"""Feature standardisation kept from the TF1 code base; tf.nn ops still exist under Keras 3."""
import tensorflow as tf


def standardize_features(features, moving_mean, moving_variance, offset, scale, training, decay=0.99):
    """Batch norm on raw ops; returns the normalized features and the statistic updates to run."""
    if not training:
        normalized = tf.compat.v1.nn.batch_normalization(features, moving_mean, moving_variance,
                                                         offset, scale, variance_epsilon=1e-3)
        return normalized, []
    mean, variance = tf.nn.moments(features, axes=[0])
    updates = [
        moving_mean.assign(moving_mean * decay + mean * (1.0 - decay)),
        moving_variance.assign(moving_variance * decay + variance * (1.0 - decay)),
    ]
    with tf.control_dependencies(updates):
        normalized = tf.nn.batch_normalization(features, mean, variance, offset, scale, 1e-3)
    return normalized, updates
