"""bncheck: find and explain batch-normalization bugs in TensorFlow training code."""

__version__ = "0.1.0"
