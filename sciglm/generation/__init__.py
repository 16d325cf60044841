"""Text generation shared by ``sciglm chat`` and ``sciglm eval``: a local Hugging Face model
(batched greedy generation, streaming) or an OpenAI-compatible endpoint (concurrent requests,
streaming), behind one small interface."""

from __future__ import annotations

from sciglm.generation.base import ChatModel, GenParams
from sciglm.generation.factory import load_model

__all__ = ["ChatModel", "GenParams", "load_model"]
