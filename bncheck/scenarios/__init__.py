"""Scenario engine: spec files (TOML) in, real TensorFlow graphs run, observations checked.

``spec`` loads and validates files without TensorFlow (for ``bncheck list``);
``builders`` make one BN layer per API; ``runner`` runs a scenario's procedure and
returns plain data; ``expectations`` compares what TensorFlow did with what the
file says it should do.
"""
