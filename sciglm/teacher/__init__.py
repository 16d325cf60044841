"""The embedded teacher: a small local model behind an OpenAI-compatible server on loopback."""

from sciglm.teacher.server import EmbeddedTeacher, free_port

__all__ = ["EmbeddedTeacher", "free_port"]
