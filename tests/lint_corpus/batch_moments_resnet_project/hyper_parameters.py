"""Flags shared by the model and the training script (imported with `import *`)."""
import tensorflow as tf

FLAGS = tf.app.flags.FLAGS
tf.app.flags.DEFINE_integer("num_residual_blocks", 5, "blocks per stage")
tf.app.flags.DEFINE_integer("train_batch_size", 128, "training batch size")
tf.app.flags.DEFINE_integer("validation_batch_size", 250, "validation batch size")
tf.app.flags.DEFINE_float("weight_decay", 2e-4, "L2 scale")
