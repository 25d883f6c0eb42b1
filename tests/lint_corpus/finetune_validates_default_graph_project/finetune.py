"""Fine-tunes the classifier and prints validation accuracy every 50 steps, on the one graph built."""

import tensorflow as tf

import net
import reader

slim = tf.contrib.slim

train_images, train_labels = reader.get_train_batch_images_and_label("train-*", 32, 20, True)
val_image_batch, val_label_batch = reader.get_val_batch_images_and_label("val-*", 32, 20, False)

images = tf.placeholder(tf.float32, [None, 224, 224, 3])
labels = tf.placeholder(tf.float32, [None, 20])
with slim.arg_scope(net.net_arg_scope()):
    logits = net.classifier(images, num_classes=20)
loss = tf.losses.softmax_cross_entropy(labels, logits)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1)), tf.float32))
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    train_step = tf.train.AdamOptimizer(1e-4).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    tf.train.start_queue_runners(sess)
    for step in range(10000):
        batch_images, batch_labels = sess.run([train_images, train_labels])
        sess.run(train_step, feed_dict={images: batch_images, labels: batch_labels})
        if step % 50 == 0:
            val_images, val_labels = sess.run([val_image_batch, val_label_batch])
            val_loss, val_accuracy = sess.run([loss, accuracy], feed_dict={  # expect: BN006
                images: val_images, labels: val_labels})
            print(step, val_loss, val_accuracy)
