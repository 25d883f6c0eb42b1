"""Layer helpers and data loaders of the segmenter."""
