"""One module per CLI command family; each imports its core lazily."""
