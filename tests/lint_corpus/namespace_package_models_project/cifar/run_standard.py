"""Train the standard classifier: python run_standard.py --model resnet18 (from this folder)."""
import argparse

import tensorflow as tf

from nets import models
from nets.train_loop import train

parser = argparse.ArgumentParser()
parser.add_argument("--model", default="resnet18")
parser.add_argument("--steps", default=80000, type=int)
args = parser.parse_args()

(x_train, y_train), _ = tf.keras.datasets.cifar10.load_data()
images, labels = tf.train.shuffle_batch([x_train / 255.0, y_train[:, 0]], 128, 5000, 1000, enqueue_many=True)
train(models.get_classifier(args.model), tf.cast(images, tf.float32), labels, args.steps, "ckpt/standard")
