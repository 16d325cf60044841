"""The built-in ``math`` subject, registered through the ``sciglm`` entry point like any plugin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sciglm.hookspecs import hookimpl
from sciglm_math.subject import MathSubject

__all__ = ["MathSubject", "register_subjects"]


@hookimpl
def register_subjects(register: Callable[[Any], None]) -> None:
    """Register the ``math`` subject."""
    register(MathSubject())
