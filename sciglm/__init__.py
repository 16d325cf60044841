"""sciglm: build scientific-reasoning language models the SciGLM way."""

__version__ = "0.1.0"
