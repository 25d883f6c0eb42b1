"""Video GAN: the BN updates must run with either adversarial step; the step is picked adaptively
by a tf.cond built under the dependency, so both branches wait for them."""
import tensorflow as tf


def discriminator(frames, reuse):
    with tf.variable_scope("discriminator", reuse=reuse):
        net = tf.layers.conv3d(frames, 64, 3, strides=2, padding="same")
        net = tf.nn.leaky_relu(tf.layers.batch_normalization(net, training=True))
        return tf.layers.dense(tf.layers.flatten(net), 1)


def generator(low_res):
    net = tf.layers.conv3d(low_res, 64, 3, padding="same")
    net = tf.nn.relu(tf.layers.batch_normalization(net, training=True))
    return tf.layers.conv3d(net, 3, 3, padding="same")


low_res = tf.placeholder(tf.float32, [4, 8, 32, 32, 3])
high_res = tf.placeholder(tf.float32, [4, 8, 32, 32, 3])
fake = generator(low_res)
d_real, d_fake = discriminator(high_res, False), discriminator(fake, True)
d_loss = tf.reduce_mean(tf.nn.softplus(d_fake) + tf.nn.softplus(-d_real))
g_loss = tf.reduce_mean(tf.abs(fake - high_res)) + 1e-3 * tf.reduce_mean(tf.nn.softplus(-d_fake))
balance = tf.reduce_mean(tf.nn.softplus(-d_real)) - tf.reduce_mean(tf.nn.softplus(d_fake))
d_vars = tf.trainable_variables("discriminator")
g_vars = [v for v in tf.trainable_variables() if v not in d_vars]
d_optimizer, g_optimizer = tf.train.AdamOptimizer(5e-5), tf.train.AdamOptimizer(5e-5)

with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):

    def train_with_discriminator():
        d_step = d_optimizer.minimize(d_loss, var_list=d_vars)
        with tf.control_dependencies([d_step]):
            return g_optimizer.minimize(g_loss, var_list=g_vars)

    def train_generator_only():
        return g_optimizer.minimize(g_loss, var_list=g_vars)

    train_op = tf.cond(balance < 0.4, train_with_discriminator, train_generator_only)
    warmup_op = tf.cond(balance < 0.0, lambda: d_optimizer.minimize(d_loss, var_list=d_vars), tf.no_op)


def pretrain_step():
    # built after the block: the generator's BN updates do not run while it is pretrained
    return g_optimizer.minimize(  # expect: BN001
        tf.reduce_mean(tf.abs(fake - high_res)), var_list=g_vars)


pretrain_op = pretrain_step()

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(100000):
        sess.run(pretrain_op if step < 1000 else train_op, {low_res: 0, high_res: 0})
