"""``sciglm teacher serve``'s one config: every option with its default and help, in one place;
the command's click options are derived from it (:func:`sciglm.config.click_options`)."""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.config import option
from sciglm.teacher.server import KV_CACHE_MB, READY_TIMEOUT, THREADS


@dataclass
class TeacherServeConfig:
    """How the embedded teacher is served by hand."""

    model: str | None = option(None, "Model to serve: a folder, Hub id or catalogue name (see "
                               "`sciglm models`; default: the embedded SmolLM2-135M).")
    port: int | None = option(None, "Port (default: a free one).", min=1, max=65535)
    ready_timeout: float = option(READY_TIMEOUT, "Seconds to wait for the model to load.")
    threads: int = option(THREADS, "Torch CPU threads of the server (more only helps on an idle "
                          "machine).", min=1)
    kv_cache_mb: int = option(KV_CACHE_MB, "Megabytes of KV cache for continuous batching "
                              "(requests wait for room beyond it).", min=16)
    as_json: bool = option(False, "Print base_url and model as JSON on stdout.", flag="--json")
