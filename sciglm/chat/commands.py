"""The chat's slash commands: each takes the session and its argument text, returns a reply."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass

from sciglm import registry
from sciglm.chat.session import ChatSession
from sciglm.chat.verifier import ChatVerifier
from sciglm.errors import SciglmError


@dataclass
class Reply:
    """What a command has to say. ``ok=False`` is shown as an error; ``exit`` ends the chat."""

    text: str
    ok: bool = True
    exit: bool = False


HELP = """Commands:
  /clear                  forget the conversation (system prompt and settings stay)
  /save FILE              write the conversation to FILE (JSON) in an existing folder
  /load FILE              continue a conversation saved with /save
  /system [TEXT|none]     show, set or remove the system prompt
  /params [NAME=VALUE …]  show or set temperature, top_p, max_tokens (temperature=0: greedy)
  /subject [NAME]         show or set the subject /verify uses (math, physics, chemistry, …)
  /verify REFERENCE       check the last answer against REFERENCE with the subject's verifier
  /help                   this list
  /exit                   leave (or Ctrl-D); Ctrl-C stops a reply that is being generated"""


class Commands:
    """Dispatch ``/name args`` lines against a :class:`ChatSession`."""

    def __init__(self, session: ChatSession, verifier: ChatVerifier | None = None) -> None:
        self.session = session
        self.verifier = verifier or ChatVerifier()
        self.table: dict[str, Callable[[str], Reply]] = {
            "help": self.help,
            "clear": self.clear,
            "save": self.save,
            "load": self.load,
            "system": self.system,
            "params": self.params,
            "subject": self.subject,
            "verify": self.verify,
            "exit": self.exit,
            "quit": self.exit,
        }

    def handle(self, line: str) -> Reply:
        """Run one command line (starting with ``/``); errors become an error reply."""
        name, _, argument = line[1:].strip().partition(" ")
        command = self.table.get(name.lower())
        if command is None:
            return Reply(f"unknown command /{name} (type /help)", ok=False)
        try:
            return command(argument.strip())
        except SciglmError as exc:
            return Reply(str(exc), ok=False)

    def help(self, _: str) -> Reply:
        return Reply(HELP)

    def clear(self, _: str) -> Reply:
        turns = len(self.session.history)
        self.session.clear()
        return Reply(f"conversation cleared ({turns} message(s) forgotten)")

    def save(self, argument: str) -> Reply:
        if not argument:
            return Reply("usage: /save FILE", ok=False)
        try:
            path = self.session.save(_one_path(argument))
        except OSError as exc:
            return Reply(f"{argument}: cannot write: {exc.strerror or exc}", ok=False)
        return Reply(f"saved {len(self.session.history)} message(s) to {path}")

    def load(self, argument: str) -> Reply:
        if not argument:
            return Reply("usage: /load FILE", ok=False)
        loaded = ChatSession.load(_one_path(argument))
        self.session.system = loaded.system
        self.session.history = loaded.history
        self.session.params = loaded.params
        self.session.subject = loaded.subject
        return Reply(f"loaded {len(loaded.history)} message(s) from {argument}")

    def system(self, argument: str) -> Reply:
        if not argument:
            return Reply(f"system prompt: {self.session.system or '(none: the model default)'}")
        self.session.system = None if argument.lower() == "none" else argument
        removed = self.session.system is None
        return Reply("system prompt removed" if removed else "system prompt set")

    def params(self, argument: str) -> Reply:
        if argument:
            assignments = {}
            for part in argument.replace(",", " ").split():
                name, sep, value = part.partition("=")
                if not sep:
                    return Reply(f"expected NAME=VALUE, got {part!r}", ok=False)
                assignments[name.strip()] = value.strip()
            self.session.params = self.session.params.updated(assignments)
        shown = " ".join(f"{k}={v:g}" for k, v in self.session.params.to_dict().items())
        return Reply(shown)

    def subject(self, argument: str) -> Reply:
        if argument:
            registry.get_subject(argument)
            self.session.subject = argument
        return Reply(f"subject: {self.session.subject}")

    def verify(self, argument: str) -> Reply:
        if not argument:
            return Reply("usage: /verify REFERENCE (the correct final answer)", ok=False)
        answer = self.session.last("assistant")
        if answer is None:
            return Reply("nothing to verify yet: ask a question first", ok=False)
        verdict = self.verifier.check(
            self.session.subject, self.session.last("user"), answer, argument
        )
        mark = {True: "✓ correct", False: "✗ incorrect", None: "? undecided"}[verdict.correct]
        predicted = verdict.predicted if verdict.predicted is not None else "(no final answer)"
        detail = f" — {verdict.reason}" if verdict.reason else ""
        subject = self.session.subject
        text = f"{mark} [{subject}]: predicted {predicted}, reference {argument}{detail}"
        return Reply(text, ok=verdict.correct is not None)

    def exit(self, _: str) -> Reply:
        return Reply("bye", exit=True)


def _one_path(argument: str) -> str:
    """A file argument, allowing quotes around names with spaces."""
    try:
        parts = shlex.split(argument)
    except ValueError:
        parts = [argument]
    if len(parts) != 1:
        raise SciglmError(f"expected one file name, got {argument!r}")
    return parts[0]
