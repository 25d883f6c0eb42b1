"""Entry point: one session, the policy class from policies.py, the learner from ppo.py."""
import tensorflow as tf

import policies
import ppo


def main():
    with tf.Session().as_default():
        model = ppo.Model(policy=policies.CnnPolicy, ob_shape=(64, 64, 3), num_actions=15, nbatch=2048)
        tf.get_default_session().run(tf.global_variables_initializer())
        return model


if __name__ == "__main__":
    main()
