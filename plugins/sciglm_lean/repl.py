"""The Lean REPL protocol and one REPL process.

Protocol (leanprover-community/repl): a JSON command followed by a blank line on stdin; one
JSON answer (possibly pretty-printed over several lines) followed by a blank line on stdout.
Lean errors are values (:class:`CommandResult` / :class:`TacticResult` with messages, or a
:class:`ReplError` for the REPL's own complaints); a timeout or a dead process is an exception
(:class:`ReplTimeout`, :class:`ReplCrashed`).
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

SORRY_WARNING = re.compile(r"declaration uses ['`]sorry['`]")


class ReplFailure(Exception):
    """The REPL process could not answer (it hung, died or could not start)."""


class ReplTimeout(ReplFailure):
    """The REPL did not answer within the time allowed; the process has been killed."""


class ReplCrashed(ReplFailure):
    """The REPL process exited (crash, out of memory) or could not be started."""


# -- protocol values -----------------------------------------------------------------------
@dataclass(frozen=True)
class Message:
    """One message Lean printed: ``severity`` is error, warning or info."""

    severity: str
    data: str
    line: int = 0
    column: int = 0
    end_line: int | None = None
    end_column: int | None = None

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Message:
        pos = obj.get("pos") or {}
        end = obj.get("endPos") or {}
        return cls(
            severity=str(obj.get("severity", "")),
            data=str(obj.get("data", "")),
            line=int(pos.get("line", 0)),
            column=int(pos.get("column", 0)),
            end_line=end.get("line"),
            end_column=end.get("column"),
        )

    def render(self) -> str:
        return f"{self.line}:{self.column}: {self.severity}: {self.data}"


@dataclass(frozen=True)
class Sorry:
    """A ``sorry`` left in a command, with the goal at it and its tactic-mode proof state."""

    goal: str
    proof_state: int | None = None
    line: int = 0
    column: int = 0

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Sorry:
        pos = obj.get("pos") or {}
        return cls(
            goal=str(obj.get("goal", "")),
            proof_state=obj.get("proofState"),
            line=int(pos.get("line", 0)),
            column=int(pos.get("column", 0)),
        )


@dataclass(frozen=True)
class _Result:
    messages: tuple[Message, ...] = ()
    sorries: tuple[Sorry, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.severity == "error"]

    @property
    def has_sorry(self) -> bool:
        """A ``sorry`` remains: listed in ``sorries`` or warned about by Lean."""
        if self.sorries:
            return True
        return any(m.severity == "warning" and SORRY_WARNING.search(m.data) for m in self.messages)


@dataclass(frozen=True)
class CommandResult(_Result):
    """The answer to a command (``cmd``, ``path``, ``unpickleEnvFrom``, ``pickleTo`` an env)."""

    env: int | None = None
    tactics: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class TacticResult(_Result):
    """The answer to a tactic (or a proof-state pickle): the new proof state and its goals."""

    proof_state: int | None = None
    goals: tuple[str, ...] = ()
    proof_status: str | None = None


@dataclass(frozen=True)
class ReplError:
    """A complaint of the REPL itself (``{"message": ...}``), e.g. an unknown environment."""

    message: str


Reply = CommandResult | TacticResult | ReplError


def parse_reply(obj: dict[str, Any]) -> Reply:
    """Turn one decoded JSON answer into a :data:`Reply`."""
    if not isinstance(obj, dict):
        return ReplError(f"unexpected REPL answer: {obj!r}"[:500])
    messages = tuple(Message.from_json(m) for m in obj.get("messages") or [])
    sorries = tuple(Sorry.from_json(s) for s in obj.get("sorries") or [])
    if "proofState" in obj and "env" not in obj:
        goals = obj.get("goals") or []
        return TacticResult(
            messages=messages,
            sorries=sorries,
            raw=obj,
            proof_state=obj.get("proofState"),
            goals=tuple(str(g) for g in goals),
            proof_status=obj.get("proofStatus"),
        )
    if "env" in obj:
        return CommandResult(
            messages=messages,
            sorries=sorries,
            raw=obj,
            env=obj.get("env"),
            tactics=tuple(obj.get("tactics") or ()),
        )
    if "message" in obj:
        return ReplError(str(obj["message"]))
    return ReplError(f"unexpected REPL answer: {json.dumps(obj)[:500]}")


def encode_command(command: dict[str, Any]) -> bytes:
    """One command on the wire: compact JSON and a blank line."""
    return (json.dumps(command, ensure_ascii=False) + "\n\n").encode("utf-8")


def split_json_stream(text: str) -> list[Any]:
    """Every JSON value in a stream of values separated by whitespace (``.in`` and ``.out``)."""
    decoder = json.JSONDecoder(strict=False)  # the REPL accepts raw newlines in strings
    values: list[Any] = []
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return values
        value, index = decoder.raw_decode(text, index)
        values.append(value)


# -- bookkeeping over any transport ----------------------------------------------------------
Transport = Callable[[dict[str, Any], float], dict[str, Any]]
#: The commands whose answer records a new environment.
RECORDING = frozenset({"cmd", "path", "unpickleEnvFrom"})


class ReplSession:
    """Sends commands through a transport and remembers the environments and proof states seen.

    Each answer is bound to its command: the REPL numbers the environments of the commands
    that record one (``cmd``, ``path``, ``unpickleEnvFrom``) 0, 1, 2 … in the order it runs them
    (``recordCommandSnapshot``, REPL/Main.lean lines 86-89, alike at tags v4.24.0 and v4.30.0),
    so an answer whose ``env`` is not the next number belongs to another command (a stray or
    forged answer): :class:`ReplCrashed`,
    and the process is not trusted further. (Checked against every recorded transcript.)
    """

    def __init__(self, transport: Transport) -> None:
        self._send = transport
        self.envs: set[int] = set()
        self.proof_states: set[int] = set()
        self.next_env = 0

    def send(self, command: dict[str, Any], timeout: float = 60.0) -> Reply:
        reply = parse_reply(self._send(command, timeout))
        if RECORDING.intersection(command) and isinstance(reply, CommandResult):
            if reply.env != self.next_env:
                raise ReplCrashed(
                    f"an answer not bound to its command (env {reply.env}, expected "
                    f"{self.next_env}): the REPL's output is out of step"
                )
            self.next_env += 1
        if isinstance(reply, CommandResult):
            if reply.env is not None:
                self.envs.add(reply.env)
            for tactic in reply.tactics:  # allTactics: every tactic's state can be resumed
                if isinstance(tactic.get("proofState"), int):
                    self.proof_states.add(tactic["proofState"])
        if isinstance(reply, TacticResult) and reply.proof_state is not None:
            self.proof_states.add(reply.proof_state)
        if not isinstance(reply, ReplError):
            for s in reply.sorries:
                if s.proof_state is not None:
                    self.proof_states.add(s.proof_state)
        return reply

    def command(self, code: str, env: int | None = None, timeout: float = 60.0) -> Reply:
        """Run Lean source; ``env`` reuses an environment (imports only where it is None)."""
        command: dict[str, Any] = {"cmd": code}
        if env is not None:
            command["env"] = env
        return self.send(command, timeout)


# -- one REPL process -------------------------------------------------------------------------
#: The largest file a REPL may write, its stderr file included (a dbg_trace flood stops there).
REPL_MAX_FILE_MB = 256
#: The longest answer read from a REPL (a flood of output is a crash, not a memory hog).
MAX_ANSWER_BYTES = 64 << 20


class ReplProcess:
    """One REPL process: start, send a command, read one answer within a deadline, kill.

    The process runs in its own session (its whole group is killed on timeout) under
    :mod:`sciglm_lean.launch`, which sets its memory limit and makes it die with its parent.
    """

    def __init__(
        self,
        command: Sequence[str],
        cwd: str | os.PathLike[str] | None = None,
        env: dict[str, str] | None = None,
        memory_mb: int | None = None,
    ) -> None:
        self.command = list(command)
        self.cwd = str(cwd) if cwd else None
        self.env = env
        self.memory_mb = memory_mb
        self._proc: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._stderr: Any = None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def stray_output(self) -> bool:
        """Output arrived that no command asked for (the process is out of step)."""
        if self._buffer.strip():
            return True
        if self._proc is None or self._proc.stdout is None:
            return False
        ready, _, _ = select.select([self._proc.stdout.fileno()], [], [], 0)
        return bool(ready)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> None:
        launcher = [sys.executable, "-m", "sciglm_lean.launch", "--parent", str(os.getpid())]
        launcher += ["--memory-mb", str(self.memory_mb or 0)]
        launcher += ["--max-file-mb", str(REPL_MAX_FILE_MB), "--max-processes", "4096"]
        self._stderr = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen(
                launcher + ["--"] + self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                cwd=self.cwd,
                env=self.env,
                start_new_session=True,
            )
        except OSError as exc:
            raise ReplCrashed(f"cannot start the Lean REPL {self.command[0]!r}: {exc}") from exc
        self._buffer = b""

    def send(self, command: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Write one command and wait at most ``timeout`` seconds for its answer.

        A process that died since the last answer is reported, not silently restarted: its
        environments are gone, and the caller must reload its header.
        """
        if not self.alive:
            raise self._crashed("the REPL is not running")
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write(encode_command(command))
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise self._crashed(f"cannot write to the REPL: {exc}") from exc
        return self._read_answer(time.monotonic() + timeout, timeout)

    def _read_answer(self, deadline: float, timeout: float) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        while True:
            answer = self._take_answer()
            if answer is not None:
                return answer
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise ReplTimeout(f"timed out after {timeout:g}s")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise self._crashed("the REPL exited")
            self._buffer += chunk
            if len(self._buffer) > MAX_ANSWER_BYTES:
                self.kill()
                raise ReplCrashed(f"an answer longer than {MAX_ANSWER_BYTES >> 20} MB")

    def _take_answer(self) -> dict[str, Any] | None:
        """The first complete answer in the buffer (text up to a blank line that parses)."""
        search_from = 0
        while True:
            cut = self._buffer.find(b"\n\n", search_from)
            if cut < 0:
                return None
            text = self._buffer[:cut].decode("utf-8", errors="replace").strip()
            if not text:
                self._buffer = self._buffer[cut + 2 :]
                search_from = 0
                continue
            try:
                answer = json.loads(text, strict=False)
            except json.JSONDecodeError:
                search_from = cut + 1
                continue
            self._buffer = self._buffer[cut + 2 :]
            return answer

    def _crashed(self, what: str) -> ReplCrashed:
        code = None
        if self._proc is not None:
            try:
                code = self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()
        tail = self.stderr_tail()
        self.kill()
        detail = f" (exit code {code})" if code is not None else ""
        return ReplCrashed(f"{what}{detail}" + (f": {tail}" if tail else ""))

    def stderr_tail(self, limit: int = 300) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0, os.SEEK_END)
            size = self._stderr.tell()
            self._stderr.seek(max(0, size - limit))
            return self._stderr.read().decode("utf-8", errors="replace").strip()
        except (OSError, ValueError):
            return ""

    def kill(self) -> None:
        """Kill the REPL's whole process group and reap it."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream:
                        stream.close()
                except OSError:
                    pass
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self._buffer = b""

    def close(self) -> None:
        """End the REPL: close its stdin (it exits on end of input), kill it if it lingers."""
        proc = self._proc
        if proc is not None and proc.poll() is None and proc.stdin is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()
