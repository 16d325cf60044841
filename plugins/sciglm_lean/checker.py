"""Check one proof: screen, REPL (fast feedback and error messages), then the trusted path.

1. The screen (:mod:`.screen`) rejects what is not plainly a proof, without Lean.
2. The REPL elaborates the submission on the header's environment: the asked statement
   (compiled with ``sorry`` in a separate branch, the challenge) is not in the proof's scope. A
   Lean error or a ``sorry`` makes the verdict ``false``, with the goals at the error. Then a
   fresh audit command (:mod:`.audit`) checks, as Lean errors, that the target is a theorem whose
   type has the challenge's fingerprint and that it uses only permitted axioms.
3. Only then does the trusted path (:mod:`.trusted`: comparator in a sandbox) decide ``true``.
   Where it cannot run, the verdict is ``null`` with the reason. Where no Lean can run at all,
   screened proofs come back ``null`` ("unchecked: …"), never ``true``.
"""

from __future__ import annotations

from typing import Any

from sciglm.records import Verdict
from sciglm_lean.audit import audit_command, fingerprint_command, parse_fingerprint
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
from sciglm_lean.screen import same_statement, screen, screen_header, screen_submission
from sciglm_lean.trusted import TrustedChecker

#: The most characters (statement, response and header together) a check reads.
MAX_INPUT_CHARS = 200_000
#: The most header environments one REPL process keeps (each holds an imported Mathlib): a
#: record with yet another header starts a fresh process instead of growing this one.
MAX_HEADERS_PER_PROCESS = 4


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

    def __init__(
        self,
        config: LeanConfig | None = None,
        launch: Launch | str | None = None,
        trusted: TrustedChecker | None = None,
    ):
        self.config = config or LeanConfig.from_env()
        self._launch = launch
        self._trusted = trusted
        self._process: ReplProcess | None = None
        self._session: ReplSession | None = None
        self._headers: dict[str, int] = {}
        self._fingerprints: dict[tuple[str, str], tuple[int, str]] = {}
        self.proofs_in_process = 0
        self.starts = 0
        self.header_loads = 0

    # -- public ------------------------------------------------------------------------------
    def check(self, statement: str, response: str, header: str | None = None) -> Verdict:
        """Judge ``response`` as a proof of ``statement``; whatever goes wrong is a verdict."""
        size = len(statement) + len(response) + len(header or "")
        if size > MAX_INPUT_CHARS:
            return Verdict(
                None, None, f"cannot check: {size} characters of Lean, over the cap of "
                f"{MAX_INPUT_CHARS}"
            )
        try:
            return self._check(statement, response, header)
        except Exception as exc:  # noqa: BLE001 - no exception may escape a verdict
            self.close()
            return Verdict(None, None, f"cannot check: internal error: {type(exc).__name__}: "
                           f"{str(exc)[:300]}")

    def _check(self, statement: str, response: str, header: str | None) -> Verdict:
        try:
            submission = compose(statement, response, header)
        except ComposeError as exc:
            return Verdict(None, None, f"cannot check: {exc}")
        asked = screen(submission.reference, self.config.screen)
        if not asked.ok:  # the challenge is trusted, but a record's statement is still input
            return Verdict(None, None, f"cannot check: the asked statement {asked.reason}")
        rejected = self.screen(submission)
        if rejected is not None:
            return rejected
        launch = self.launch()
        if isinstance(launch, str):
            return Verdict(None, None, launch)
        return self._run(submission)

    def screen(self, submission: Submission) -> Verdict | None:
        """A ``false`` verdict for a screened-out submission, else None."""
        header = screen_header(submission.header)
        if not header.ok:
            return _false(f"rejected by screen (header): {header.reason}", screen=header.rule)
        result = screen_submission(submission.body, submission.name, self.config.screen)
        if not result.ok:
            return _false(f"rejected by screen (proof): {result.reason}", screen=result.rule)
        if submission.full_file:
            result = same_statement(submission.reference, submission.submitted_statement)
            if not result.ok:
                return _false(f"rejected by screen: {result.reason}", screen=result.rule)
        return None

    def trusted(self) -> TrustedChecker:
        """The comparator-backed checker that alone can say ``true``."""
        if self._trusted is None:
            self._trusted = TrustedChecker(
                self.config.project,
                self.config.comparator_command,
                self.config.trusted_timeout,
                self.config.trusted_memory_mb,
            )
        return self._trusted

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
        self._fingerprints.clear()
        self.proofs_in_process = 0

    # -- the REPL conversation ---------------------------------------------------------------
    def _session_for(self) -> ReplSession:
        if self._process is not None and (not self._process.alive or self._process.stray_output):
            self.close()  # died while idle (killed, OOM) or out of step: start afresh
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

    def _fingerprint(
        self, session: ReplSession, header_env: int, sub: Submission
    ) -> tuple[int, str]:
        """The challenge's type fingerprint, from a branch of the header env the proof never
        sees."""
        key = (sub.header, sub.reference)
        if self.config.reuse_header and key in self._fingerprints:
            return self._fingerprints[key]
        reply = session.command(
            sub.reference + " := by sorry", header_env, self.config.proof_timeout
        )
        if not isinstance(reply, CommandResult) or reply.env is None:
            raise HeaderError(f"the asked statement did not elaborate: {_describe(reply)}")
        if reply.errors:
            raise HeaderError(
                "the asked statement does not elaborate: " + reply.errors[0].render()[:400]
            )
        answer = session.command(
            fingerprint_command(sub.name), reply.env, self.config.proof_timeout
        )
        fingerprint = (
            parse_fingerprint(answer.messages) if isinstance(answer, CommandResult) else None
        )
        if fingerprint is None or (isinstance(answer, CommandResult) and answer.errors):
            raise HeaderError(f"no fingerprint of the asked statement: {_describe(answer)}")
        self._fingerprints[key] = fingerprint
        return fingerprint

    def _run(self, sub: Submission) -> Verdict:
        if sub.header not in self._headers and len(self._headers) >= MAX_HEADERS_PER_PROCESS:
            self.close()
        try:
            session = self._session_for()
            header_env = self._header_env(session, sub.header)
            fingerprint = self._fingerprint(session, header_env, sub)
            reply = session.send(
                {"cmd": sub.body, "env": header_env, "allTactics": True}, self.config.proof_timeout
            )
            verdict = self._judge_elaboration(reply)
            if verdict is None:
                assert isinstance(reply, CommandResult) and reply.env is not None
                audit = session.command(
                    audit_command(sub.name, fingerprint), reply.env, self.config.proof_timeout
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
        if verdict is not None:
            return verdict
        trusted = self.trusted().check(sub)
        if trusted.correct is None:
            trusted.reason = f"unchecked: Lean's REPL accepted the proof; {trusted.reason}"
            trusted.details = {**trusted.details, "repl": "accepted"}
        return trusted

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

    def _judge_audit(self, audit: object, name: str) -> Verdict | None:
        """``false`` when the audit command raised a Lean error, None when it passed."""
        if not isinstance(audit, CommandResult):
            return Verdict(None, None, f"REPL error during the audit: {_describe(audit)}")
        if audit.errors:
            first = audit.errors[0]
            return _false(
                f"the audit of {name!r} failed: {first.data}"[:800],
                messages=[m.render() for m in audit.errors],
            )
        if audit.env is None:
            return Verdict(None, None, "REPL answer to the audit without an environment")
        return None


class HeaderError(Exception):
    """The header or the asked statement itself does not elaborate: no proof can be judged."""


def _describe(reply: object) -> str:
    if isinstance(reply, ReplError):
        return reply.message
    return repr(reply)[:300]
