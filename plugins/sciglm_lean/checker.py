"""Check one proof with one REPL process: screen, elaborate, audit axioms, judge.

A proof is accepted (``correct: true``) only when Lean elaborated it with no error and no
``sorry``, ``#print axioms`` lists nothing beyond propext, Classical.choice and Quot.sound, and
the proved theorem's type is the asked statement's (elaborated *before* the submission, so
notations or instances the submission declares cannot change what was asked).
Where no Lean can run, screened proofs come back ``null`` ("unchecked: …"), never ``true``.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from sciglm.records import Verdict
from sciglm_lean.compose import ComposeError, Submission, compose
from sciglm_lean.config import Launch, LeanConfig, resolve_launch
from sciglm_lean.repl import (
    CommandResult,
    Message,
    ReplCrashed,
    ReplError,
    ReplProcess,
    ReplSession,
    ReplTimeout,
)
from sciglm_lean.screen import check_statement, screen

ALLOWED_AXIOMS = frozenset({"propext", "Classical.choice", "Quot.sound"})
AXIOMS = re.compile(
    r"'(?P<name>\S+?)' (?:does not depend on any axioms|depends on axioms:\s*\[(?P<list>[^\]]*)\])"
)


def parse_axioms(messages: list[Message] | tuple[Message, ...]) -> dict[str, list[str]]:
    """``#print axioms`` answers: declaration name → axioms it depends on."""
    found: dict[str, list[str]] = {}
    for message in messages:
        for match in AXIOMS.finditer(message.data):
            names = match.group("list") or ""
            found[match.group("name")] = [a.strip() for a in names.split(",") if a.strip()]
    return found


def goals_at(result: CommandResult, error: Message) -> list[str]:
    """The goals before the tactic where ``error`` was raised (from ``allTactics``)."""
    best: dict[str, Any] | None = None
    for tactic in result.tactics:
        pos, end = tactic.get("pos") or {}, tactic.get("endPos") or {}
        start = (pos.get("line", 0), pos.get("column", 0))
        stop = (end.get("line", 0), end.get("column", 0))
        if start <= (error.line, error.column) <= stop:
            best = tactic  # innermost wins: later tactics nest inside earlier ones
    if best is None or not best.get("goals"):
        return []
    goals = best["goals"]
    return [goals] if isinstance(goals, str) else [str(g) for g in goals]


def _false(reason: str, **details: Any) -> Verdict:
    return Verdict(False, None, reason, {k: v for k, v in details.items() if v})


class LeanChecker:
    """Owns at most one REPL process; the header's environment is loaded once and reused."""

    def __init__(self, config: LeanConfig | None = None, launch: Launch | str | None = None):
        self.config = config or LeanConfig.from_env()
        self._launch = launch
        self._process: ReplProcess | None = None
        self._session: ReplSession | None = None
        self._headers: dict[str, int] = {}
        self._references: dict[tuple[str, str], tuple[int, str]] = {}
        self.proofs_in_process = 0
        self.starts = 0
        self.header_loads = 0

    # -- public ------------------------------------------------------------------------------
    def check(self, statement: str, response: str, header: str | None = None) -> Verdict:
        """Judge ``response`` as a proof of ``statement``."""
        try:
            submission = compose(statement, response, header)
        except ComposeError as exc:
            return Verdict(None, None, f"cannot check: {exc}")
        rejected = self.screen(submission)
        if rejected is not None:
            return rejected
        launch = self.launch()
        if isinstance(launch, str):
            return Verdict(None, None, launch)
        return self._run(submission)

    def screen(self, submission: Submission) -> Verdict | None:
        """A ``false`` verdict for a screened-out submission, else None."""
        header_code = "\n".join(
            line
            for line in submission.header.splitlines()
            if not line.strip().startswith("import ")
        )
        for where, code in (("header", header_code), ("proof", submission.body)):
            result = screen(code, self.config.screen)
            if not result.ok:
                return _false(f"rejected by screen ({where}): {result.reason}", screen=result.rule)
        if submission.full_file:
            result = check_statement(submission.reference, submission.submitted_statement)
            if not result.ok:
                return _false(f"rejected by screen: {result.reason}", screen=result.rule)
        return None

    def launch(self) -> Launch | str:
        if self._launch is None:
            self._launch = resolve_launch(self.config)
        return self._launch

    def close(self) -> None:
        """Stop the REPL process (a later check starts a fresh one)."""
        if self._process is not None:
            self._process.close()
        self._process = None
        self._session = None
        self._headers.clear()
        self._references.clear()
        self.proofs_in_process = 0

    # -- the REPL conversation ---------------------------------------------------------------
    def _session_for(self) -> ReplSession:
        if self._process is not None and not self._process.alive:
            self.close()  # died while idle (killed, OOM): start afresh, reload the header
        if self._session is None:
            launch = self.launch()
            assert isinstance(launch, Launch)
            self._process = ReplProcess(
                launch.command, launch.cwd, launch.env, self.config.memory_mb
            )
            self._process.start()
            self._session = ReplSession(self._process.send)
            self.starts += 1
        return self._session

    def _header_env(self, session: ReplSession, header: str) -> int:
        if self.config.reuse_header and header in self._headers:
            return self._headers[header]
        reply = session.command(header, None, self.config.header_timeout)
        self.header_loads += 1
        if not isinstance(reply, CommandResult) or reply.env is None:
            raise ReplCrashed(f"the header did not load: {_describe(reply)}")
        if reply.errors:
            raise HeaderError("; ".join(m.render() for m in reply.errors)[:500])
        self._headers[header] = reply.env
        return reply.env

    def _reference_env(
        self, session: ReplSession, header_env: int, sub: Submission
    ) -> tuple[int, str]:
        key = (sub.header, sub.reference)
        if self.config.reuse_header and key in self._references:
            return self._references[key]
        ref_name = f"sciglm_ref_{secrets.token_hex(6)}"
        code = re.sub(
            r"^\s*(theorem|lemma)\s+[^\s(:{\[⦃]+", f"theorem {ref_name}", sub.reference, count=1
        )
        reply = session.command(code + " := by sorry", header_env, self.config.proof_timeout)
        if not isinstance(reply, CommandResult) or reply.env is None:
            raise HeaderError(f"the asked statement did not elaborate: {_describe(reply)}")
        if reply.errors:
            raise HeaderError(
                "the asked statement does not elaborate: " + reply.errors[0].render()[:400]
            )
        self._references[key] = (reply.env, ref_name)
        return reply.env, ref_name

    def _run(self, sub: Submission) -> Verdict:
        try:
            session = self._session_for()
            header_env = self._header_env(session, sub.header)
            ref_env, ref_name = self._reference_env(session, header_env, sub)
            reply = session.send(
                {"cmd": sub.body, "env": ref_env, "allTactics": True}, self.config.proof_timeout
            )
            verdict = self._judge_elaboration(reply)
            if verdict is None:
                assert isinstance(reply, CommandResult) and reply.env is not None
                audit = session.command(
                    f"#print axioms {sub.name}\n"
                    f"example : (type_of% @{sub.name}) = (type_of% @{ref_name}) := rfl",
                    reply.env,
                    self.config.proof_timeout,
                )
                verdict = self._judge_audit(audit, sub.name)
        except ReplTimeout as exc:
            self.close()
            return Verdict(None, None, str(exc), {"lean": "timeout"})
        except ReplCrashed as exc:
            self.close()
            return Verdict(None, None, f"Lean REPL failed: {exc}"[:600], {"lean": "crash"})
        except HeaderError as exc:
            return Verdict(None, None, f"cannot check: {exc}")
        self.proofs_in_process += 1
        if self.proofs_in_process >= self.config.recycle_after:
            self.close()
        return verdict

    def _judge_elaboration(self, reply: object) -> Verdict | None:
        if isinstance(reply, ReplError) or not isinstance(reply, CommandResult):
            return Verdict(None, None, f"REPL error: {_describe(reply)}")
        messages = [m.render() for m in reply.messages if m.severity != "info"]
        if reply.errors:
            first = reply.errors[0]
            return _false(
                f"Lean error at line {first.line}: {first.data}"[:800],
                messages=messages,
                goals=goals_at(reply, first),
            )
        if reply.has_sorry:
            return _false("the proof contains sorry", messages=messages)
        if reply.env is None:
            return Verdict(None, None, "REPL answer without an environment")
        return None

    def _judge_audit(self, audit: object, name: str) -> Verdict:
        if not isinstance(audit, CommandResult):
            return Verdict(None, None, f"REPL error during the axiom audit: {_describe(audit)}")
        if audit.errors:
            first = audit.errors[0]
            return _false(
                f"the proved theorem {name!r} is not the asked statement: {first.data}"[:800],
                messages=[m.render() for m in audit.errors],
            )
        axioms = parse_axioms(audit.messages)
        used = next((v for k, v in axioms.items() if k == name or k.endswith("." + name)), None)
        if used is None:
            return Verdict(None, None, f"no axiom report for {name!r} from Lean")
        extra = sorted(set(used) - ALLOWED_AXIOMS)
        if extra:
            what = "uses sorry" if "sorryAx" in extra else "depends on non-standard axioms"
            return _false(f"the proof {what}: {', '.join(extra)}", axioms=used)
        return Verdict(True, None, "Lean accepted the proof", {"axioms": used})


class HeaderError(Exception):
    """The header or the asked statement itself does not elaborate: no proof can be judged."""


def _describe(reply: object) -> str:
    if isinstance(reply, ReplError):
        return reply.message
    return repr(reply)[:300]
