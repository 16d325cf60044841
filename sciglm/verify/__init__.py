"""Running subject verifiers safely: worker processes with time and memory bounds."""
