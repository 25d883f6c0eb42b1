"""A configurable MLP for tabular data: with --enable_bn the layers normalize while training, but
the same builder makes the inference and export graphs without BN, so they run a different network."""
import tensorflow as tf

FLAGS = tf.app.flags.FLAGS
tf.app.flags.DEFINE_boolean("enable_bn", False, "use batch normalization")
tf.app.flags.DEFINE_float("bn_epsilon", 0.001, "BN epsilon")


def full_connect(inputs, weights_shape, biases_shape, is_train=True):
    weights = tf.get_variable("weights", weights_shape, initializer=tf.random_normal_initializer())
    biases = tf.get_variable("biases", biases_shape, initializer=tf.random_normal_initializer())
    layer = tf.matmul(inputs, weights) + biases
    if FLAGS.enable_bn and is_train:  # expect: BN004
        mean, var = tf.nn.moments(layer, axes=[0])
        scale = tf.get_variable("scale", biases_shape, initializer=tf.ones_initializer())
        shift = tf.get_variable("shift", biases_shape, initializer=tf.zeros_initializer())
        layer = tf.nn.batch_normalization(layer, mean, var, shift, scale, FLAGS.bn_epsilon)
    return layer


def inference(inputs, input_units, output_units, is_train=True):
    with tf.variable_scope("layer1"):
        layer = tf.nn.relu(full_connect(inputs, [input_units, 128], [128], is_train))
    with tf.variable_scope("output"):
        return full_connect(layer, [128, output_units], [output_units], is_train)
