"""Live progress of a run: done, correct by stage, failed, tokens, rate and ETA.

A rich bar on a terminal; plain log lines on stderr otherwise (pipes, CI logs, nohup).
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from types import TracebackType

from sciglm.annotate.summary import AnnotateSummary
from sciglm.endpoint.client import EndpointStats
from sciglm.progress import NullProgress, Reporter, progress_bar


def status_line(summary: AnnotateSummary, stats: EndpointStats, total: int, elapsed: float) -> str:
    """``cot 3 reflect 1 hint 0 failed 2 | tokens 1.2k+3.4k | 0.8 q/s ETA 1m05s``."""
    done = summary.done
    rate = done / elapsed if elapsed > 0 else 0.0
    left = max(0, total - done)
    eta = _duration(left / rate) if rate > 0 else "?"
    errors = sum(summary.errors.values())
    parts = [
        f"cot {summary.count('cot')} reflect {summary.count('reflect')} "
        f"hint {summary.count('hint')} failed {summary.count('failed')}"
        + (f" (errors {errors})" if errors else ""),
        (f"tokens {_k(stats.prompt_tokens)}+{_k(stats.completion_tokens)}"
         if stats.usage_missing < stats.answers or not stats.answers else "tokens not reported"),
        f"{rate:.2f} q/s ETA {eta}",
    ]
    if stats.total_retries:
        parts.insert(2, f"retries {stats.total_retries}")
    return " | ".join(parts)


class AnnotateProgress:
    """``update()`` after each finished question; a context manager around the run, shown
    through the one progress abstraction (:func:`sciglm.progress.progress_bar`)."""

    def __init__(self, summary: AnnotateSummary, stats: EndpointStats, total: int) -> None:
        self.summary = summary
        self.stats = stats
        self.total = total
        self._started = time.monotonic()
        self._display: AbstractContextManager[Reporter] | None = None
        self._bar: Reporter = NullProgress()

    def __enter__(self) -> AnnotateProgress:
        self._started = time.monotonic()
        self._display = progress_bar("annotate", self.total)
        self._bar = self._display.__enter__()
        return self

    def update(self) -> None:
        elapsed = time.monotonic() - self._started
        line = status_line(self.summary, self.stats, self.total, elapsed)
        self._bar.update(self.summary.done, line)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._display is not None:
            self.update()
            self._display.__exit__(exc_type, exc, tb)


def _k(n: int) -> str:
    return f"{n / 1000:.1f}k" if n >= 1000 else str(n)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"
