import tensorflow as tf

from nets.models import resnet, wide_resnet

CLASSIFIERS = {"resnet18": resnet.classifier, "wide_resnet": wide_resnet.classifier}


def get_classifier(name, scope="classifier"):
    return tf.make_template(scope, CLASSIFIERS[name])
