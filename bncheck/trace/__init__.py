"""`bncheck trace`: watch ``Session.run`` in a live training run and count BN update runs per layer.

Importing this package does not import TensorFlow.
"""
