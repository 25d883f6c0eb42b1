"""Renderers, one per output format, and the output layer every command shares; the core never prints."""
