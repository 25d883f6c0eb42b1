"""YOLO v2 style loss (simplified)."""
import tensorflow as tf


def yolo_loss(predictions, targets, lambda_coord=5.0, lambda_noobj=0.5):
    shape = tf.shape(predictions)
    predictions = tf.reshape(predictions, [shape[0], shape[1], shape[2], 5, -1])
    object_mask = targets[..., 4:5]
    xy_loss = tf.reduce_sum(object_mask * tf.square(tf.sigmoid(predictions[..., 0:2]) - targets[..., 0:2]))
    wh_loss = tf.reduce_sum(object_mask * tf.square(predictions[..., 2:4] - targets[..., 2:4]))
    confidence = tf.sigmoid(predictions[..., 4:5])
    obj_loss = tf.reduce_sum(object_mask * tf.square(confidence - 1.0))
    noobj_loss = tf.reduce_sum((1.0 - object_mask) * tf.square(confidence))
    class_loss = tf.reduce_sum(object_mask[..., 0] * tf.nn.softmax_cross_entropy_with_logits_v2(
        labels=targets[..., 5:], logits=predictions[..., 5:]))
    return lambda_coord * (xy_loss + wh_loss) + obj_loss + lambda_noobj * noobj_loss + class_loss
