"""Export a trained slim ResNet-v1-50 checkpoint as a SavedModel for TF Serving."""
import argparse

import tensorflow as tf
from tensorflow.contrib import slim
from tensorflow.contrib.slim.nets import resnet_v1


def preprocess(jpeg_bytes):
    image = tf.image.decode_jpeg(jpeg_bytes, channels=3)
    image = tf.image.resize_images(image, [224, 224])
    return image - tf.constant([123.68, 116.78, 103.94])


def export_saved_model(checkpoint_path, export_dir, num_classes):
    with tf.Graph().as_default():
        jpegs = tf.placeholder(tf.string, [None], name="jpegs")
        images = tf.map_fn(preprocess, jpegs, dtype=tf.float32)
        with slim.arg_scope(resnet_v1.resnet_arg_scope()):
            # Kept from the training script; the served model normalizes with each request's batch.
            logits, _ = resnet_v1.resnet_v1_50(images, num_classes=num_classes,  # expect: BN006
                                               is_training=True)
        probabilities = tf.nn.softmax(tf.squeeze(logits, [1, 2]))
        classes = tf.argmax(probabilities, axis=1)

        saver = tf.train.Saver()
        builder = tf.saved_model.builder.SavedModelBuilder(export_dir)
        with tf.Session() as sess:
            saver.restore(sess, checkpoint_path)
            signature = tf.saved_model.signature_def_utils.predict_signature_def(
                inputs={"jpegs": jpegs}, outputs={"classes": classes, "probabilities": probabilities})
            builder.add_meta_graph_and_variables(
                sess, [tf.saved_model.tag_constants.SERVING],
                signature_def_map={"serving_default": signature})
        builder.save()


def main():
    parser = argparse.ArgumentParser(description="Export a SavedModel for serving.")
    parser.add_argument("--checkpoint_path", required=True)
    parser.add_argument("--export_dir", default="exported/resnet50/1")
    parser.add_argument("--num_classes", type=int, default=120)
    args = parser.parse_args()
    export_saved_model(args.checkpoint_path, args.export_dir, args.num_classes)
    print("exported to", args.export_dir)


if __name__ == "__main__":
    main()
