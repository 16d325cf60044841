"""Show a reply while it streams: live Markdown (LaTeX made readable) on a terminal, raw text
when the output is piped."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.markdown import Markdown

from sciglm.chat.latex import to_unicode

REFRESH_PER_SECOND = 12


def markdown(text: str) -> Markdown:
    """The reply as rich Markdown with its LaTeX converted for display."""
    return Markdown(to_unicode(text))


class StreamView:
    """A context manager fed with text pieces; ``text`` holds everything received so far."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.text = ""
        self._live: Live | None = None

    def __enter__(self) -> StreamView:
        if self.console.is_terminal:
            self._live = Live(
                markdown(""),
                console=self.console,
                refresh_per_second=REFRESH_PER_SECOND,
                vertical_overflow="visible",
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._live.start()
        return self

    def add(self, piece: str) -> None:
        self.text += piece
        if self._live is not None:
            self._live.update(markdown(self.text))
        else:
            self.console.file.write(piece)
            self.console.file.flush()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._live is not None:
            if kind is None:
                self._live.update(markdown(self.text), refresh=True)
            self._live.stop()
        else:
            self.console.file.write("\n")
            self.console.file.flush()
