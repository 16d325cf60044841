"""Subject-independent answer handling: finding the final answer in a model's response."""
