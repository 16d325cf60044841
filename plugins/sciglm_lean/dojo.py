"""LeanDojo backend: check a proof of a theorem that lives in a traced Git repository.

Needs the optional extra ``pip install 'sciglm[leandojo]'`` (lean-dojo, which pulls in ray),
network access (LeanDojo clones and traces the repository, or downloads a traced copy) and
elan. Records name the theorem as LeanDojo benchmark records do: ``url``, ``commit``,
``file_path``, ``full_name``. Imported lazily; nothing here runs without LeanDojo.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sciglm.records import Verdict
from sciglm_lean.screen import ScreenConfig, screen

NEEDS = (
    "the LeanDojo backend needs `pip install 'sciglm[leandojo]'`, network access and a "
    "traced repository (LeanDojo traces it on first use)"
)
FIELDS = ("url", "commit", "file_path", "full_name")


@dataclass(frozen=True)
class DojoTheorem:
    """A theorem in a repository, as LeanDojo names it."""

    url: str
    commit: str
    file_path: str
    full_name: str

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> DojoTheorem | None:
        if all(isinstance(record.get(k), str) and record[k] for k in FIELDS):
            return cls(*(record[k] for k in FIELDS))
        return None


def available() -> bool:
    """Whether lean-dojo can be imported."""
    try:
        import lean_dojo  # noqa: F401
    except Exception:  # noqa: BLE001 - any import failure means "not usable"
        return False
    return True


def tactics_of(response: str) -> str:
    """The tactic block of a proof (``by`` and fences removed) as one multi-line tactic."""
    from sciglm_lean.compose import extract_code

    code = extract_code(response).strip()
    if code.startswith(":="):
        code = code[2:].strip()
    if code.startswith("by"):
        code = code[2:]
    return code.strip("\n")


def check_with_dojo(
    theorem: DojoTheorem,
    response: str,
    timeout: int = 600,
    screen_config: ScreenConfig | None = None,
) -> Verdict:
    """Screen the proof, then run it in LeanDojo's ``Dojo``: ``false`` when Lean rejects it,
    ``null`` when it finishes (LeanDojo checks neither axioms nor the exact statement and runs
    unsandboxed, so a finished proof is not a ``true``: see docs/lean.md).
    """
    tactics = tactics_of(response)
    if not tactics:
        return Verdict(False, None, "no proof found in the response")
    screened = screen(tactics, screen_config)
    if not screened.ok:
        return Verdict(
            False, None, f"rejected by screen (proof): {screened.reason}", {"screen": screened.rule}
        )
    try:
        from lean_dojo import Dojo, LeanGitRepo, ProofFinished, Theorem
    except Exception as exc:  # noqa: BLE001
        return Verdict(None, None, f"unchecked: {NEEDS} ({type(exc).__name__}: {exc})"[:400])
    try:
        repo = LeanGitRepo(theorem.url, theorem.commit)
        with Dojo(Theorem(repo, theorem.file_path, theorem.full_name), timeout=timeout) as (
            dojo,
            state,
        ):
            result = dojo.run_tac(state, tactics)
    except Exception as exc:  # noqa: BLE001 - crash, timeout, tracing failure: undecided
        return Verdict(None, None, f"LeanDojo failed: {type(exc).__name__}: {exc}"[:600])
    if isinstance(result, ProofFinished):
        return Verdict(
            None,
            None,
            "unchecked: LeanDojo finished the proof, but it audits no axioms, does not compare "
            "the statement exactly and runs unsandboxed, so this is not a `true`",
            {"dojo": "proof finished"},
        )
    kind = type(result).__name__
    error = getattr(result, "error", None) or getattr(result, "pp", None) or ""
    details = {"goals": [result.pp]} if kind == "TacticState" else {"messages": [str(error)]}
    return Verdict(False, None, f"LeanDojo: {kind}: {str(error)[:600]}", details)
