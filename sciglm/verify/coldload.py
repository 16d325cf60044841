"""Imported by the verifier fork server of a cold pool: load the plugins, warm nothing."""

from sciglm import registry
from sciglm.verify import worker  # noqa: F401 - what every worker runs

registry.subjects()
