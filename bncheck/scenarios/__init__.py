"""Scenario engine: spec files (TOML) in, real TensorFlow graphs run, observations checked.

``schema`` and ``observations`` are the vocabulary (keys, limits, one definition per observation);
``procedures`` holds one module per procedure (its schema, observations and run function);
``spec`` loads and validates files without TensorFlow (for ``bncheck list``); ``builders`` make
one BN layer per API; ``runner`` has the session, snapshot and train-loop helpers every procedure
uses; ``measure`` computes the shared observations with numpy; ``expectations`` compares what
TensorFlow did with what the file says; ``docs`` generates the README's tables.
"""
