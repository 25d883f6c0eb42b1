"""`bncheck graph`: exact checks on a TensorFlow graph (an exported MetaGraphDef or a live ``tf.Graph``).

Importing this package does not import TensorFlow; ``load``, ``analyze`` and
``checks`` get it from ``bncheck.tfcompat`` when they are called.
"""
