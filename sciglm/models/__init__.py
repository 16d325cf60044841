"""Model locations: the embedded default model and name/path resolution."""
