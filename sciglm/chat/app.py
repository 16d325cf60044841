"""The chat loop: read a line, run a slash command or stream the model's reply, repeat.

Ctrl-C while a reply streams stops generation and keeps the chat (and the partial reply);
Ctrl-C at the prompt clears the line; Ctrl-D (end of input) or ``/exit`` leaves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from rich.console import Console

from sciglm.chat.commands import Commands
from sciglm.chat.render import StreamView
from sciglm.chat.session import ChatSession
from sciglm.errors import SciglmError
from sciglm.generation.base import ChatModel

PROMPT = "you> "


class ChatApp:
    """A terminal conversation with ``model``."""

    def __init__(
        self,
        model: ChatModel,
        session: ChatSession,
        console: Console,
        read_line: Callable[[str], str] = input,
    ) -> None:
        self.model = model
        self.session = session
        self.console = console
        self.read_line = read_line
        self.commands = Commands(session)

    def run(self) -> None:
        """Converse until Ctrl-D or ``/exit``."""
        try:
            while True:
                try:
                    line = self.read_line(PROMPT)
                except EOFError:
                    self.console.print()
                    break
                except KeyboardInterrupt:
                    self.console.print("\n[dim](Ctrl-D or /exit to quit)[/]")
                    continue
                line = line.strip()
                if not line:
                    continue
                if line.startswith("/"):
                    reply = self.commands.handle(line)
                    style = "cyan" if reply.ok else "bold red"
                    self.console.print(reply.text, style=style, markup=False, highlight=False)
                    if reply.exit:
                        break
                    continue
                self.ask(line)
        finally:
            self.commands.verifier.close()

    def ask(self, question: str) -> str:
        """Stream the reply to ``question``; the (possibly partial) reply joins the history."""
        self.session.add("user", question)
        stop = threading.Event()
        interrupted = False
        view = StreamView(self.console)
        pieces = self.model.stream(self.session.messages(), self.session.params, stop)
        try:
            with view:
                for piece in pieces:
                    view.add(piece)
        except KeyboardInterrupt:
            stop.set()
            interrupted = True
        except SciglmError as exc:
            self.session.history.pop()
            self.console.print(f"Error: {exc}", style="bold red", markup=False, highlight=False)
            return ""
        finally:
            stop.set()
            _close(pieces)
        if interrupted:
            self.console.print("\\[stopped]", style="yellow")
        elif getattr(self.model, "stream_truncated", False):
            self.console.print(f"\\[cut off at max_tokens={self.session.params.max_tokens}: "
                               "/params max_tokens=N for longer replies]", style="yellow")
        if view.text or not interrupted:
            self.session.add("assistant", view.text.strip())
        else:
            self.session.history.pop()  # nothing came back: forget the question too
        return view.text


def _close(pieces: object) -> None:
    """Close the reply generator (this waits for the generation thread), even through Ctrl-C."""
    close = getattr(pieces, "close", None)
    while close is not None:
        try:
            close()
            return
        except KeyboardInterrupt:
            continue
