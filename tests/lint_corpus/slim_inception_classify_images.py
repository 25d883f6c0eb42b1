"""Classify a folder of images with a fine-tuned slim Inception-v3 checkpoint and write a CSV."""
import argparse
import csv
import os

import tensorflow as tf
from tensorflow.contrib import slim
from tensorflow.contrib.slim.nets import inception

IMAGE_SIZE = 299


def load_image(path):
    image = tf.image.decode_jpeg(tf.read_file(path), channels=3)
    image = tf.image.convert_image_dtype(image, tf.float32)
    image = tf.image.central_crop(image, central_fraction=0.875)
    image = tf.image.resize_images(image, [IMAGE_SIZE, IMAGE_SIZE])
    return (image - 0.5) * 2.0


def classify_images(image_dir, checkpoint, num_classes, batch_size=50):
    paths = sorted(os.path.join(image_dir, name) for name in os.listdir(image_dir) if name.endswith(".jpg"))
    dataset = tf.data.Dataset.from_tensor_slices(paths).map(load_image).batch(batch_size)
    images = dataset.make_one_shot_iterator().get_next()
    with slim.arg_scope(inception.inception_v3_arg_scope()):
        logits, _ = inception.inception_v3(images, num_classes=num_classes, is_training=True)  # expect: BN006
    top_class = tf.argmax(logits, axis=1)
    init_fn = slim.assign_from_checkpoint_fn(checkpoint, slim.get_model_variables("InceptionV3"))

    predictions = []
    with tf.Session() as sess:
        init_fn(sess)
        try:
            while True:
                predictions.extend(sess.run(top_class).tolist())
        except tf.errors.OutOfRangeError:
            pass
    return list(zip(paths, predictions))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("image_dir")
    parser.add_argument("--checkpoint", default="train_logs/model.ckpt-30000")
    parser.add_argument("--num_classes", type=int, default=6)
    parser.add_argument("--output", default="predictions.csv")
    args = parser.parse_args()
    rows = classify_images(args.image_dir, args.checkpoint, args.num_classes)
    with open(args.output, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image", "class_id"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
