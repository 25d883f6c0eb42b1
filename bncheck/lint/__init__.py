"""`bncheck lint`: a static checker of TensorFlow training scripts (pure ``ast``, no TensorFlow)."""
