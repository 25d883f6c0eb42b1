"""Layers and networks of the encoder."""
