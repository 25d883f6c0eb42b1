"""The training loop shared by every experiment: it is handed the classifier template."""
import tensorflow as tf


def train(classifier, images, labels, steps, checkpoint):
    logits = classifier(2.0 * images - 1.0)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    variables = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="classifier")
    grads = tf.gradients(loss, variables)
    train_op = tf.train.MomentumOptimizer(0.1, 0.9).apply_gradients(zip(grads, variables))  # expect: BN001
    saver = tf.train.Saver(tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="classifier"))  # expect: BN003
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            sess.run(train_op)
        saver.save(sess, checkpoint)
