import tensorflow as tf


def batch_norm(input, is_training, momentum=0.9, epsilon=1e-5, in_place_update=True, name="batch_norm"):
    # bn0 = batch_norm(conv1, is_training=is_training, name='bn0')
    if in_place_update:
        return tf.contrib.layers.batch_norm(input, decay=momentum, epsilon=epsilon, scale=True,
                                            updates_collections=None, is_training=is_training, scope=name)
    else:
        return tf.contrib.layers.batch_norm(input, decay=momentum, epsilon=epsilon, scale=True,
                                            is_training=is_training, scope=name)


def conv(x, filters, name):
    return tf.layers.conv2d(x, filters, 3, padding="same", name=name)
