"""Question sources and the post-annotation data steps (filter, dedup, decontamination, mix)."""
