"""The cheat corpus (every attack class of issues 17 and 22, as JSONL records) through
``sciglm verify``, with the stand-in REPL (which accepts whatever it is not scripted to reject)
and the stand-in comparator (which accepts any solution declaring the theorem), both in the real
bubblewrap sandbox: only the design stands between a cheat and ``true``. An honest control
record must come back ``true``, so the run can say ``true`` at all."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.lean.helpers import FAKE_COMPARATOR, FAKE_REPL, HONEST, STATEMENT, requires_bwrap
from tests.lean.test_attacks import ATTACKS
from tests.lean.test_cheats import ASKED, CORPUS
from tests.lean.test_cli import run
from tests.lean.test_screen import CHEATS, MISSTATED


def corpus() -> list[dict]:
    """One record per attack; ids name the class."""
    records = [{"id": f"attack: {n}", "statement": STATEMENT, "response": r} for n, r, _ in ATTACKS]
    records += [{"id": f"cheat: {n}", "statement": STATEMENT, "response": r} for n, r, _ in CHEATS]
    records += [
        {"id": f"misstated {i}", "statement": STATEMENT, "response": r}
        for i, r in enumerate(MISSTATED)
    ]
    records += [{"id": f"comparator: {p}", "statement": ASKED, "response": s} for p, s, _ in CORPUS]
    records += [
        {"id": "import escape", "statement": STATEMENT, "header": "import Mathlib",
         "response": f"```lean\nimport Evil\n{STATEMENT.replace('by sorry', 'by omega')}\n```"},
        {"id": "header path", "statement": STATEMENT, "header": "import Mathlib.«../..»",
         "response": "  omega"},
    ]
    return [{"subject": "lean", **r} for r in records]


@requires_bwrap
def test_no_cheat_in_the_corpus_comes_back_true(tmp_path: Path) -> None:
    records = [*corpus(), {"id": "honest", "subject": "lean", "statement": STATEMENT,
                           "response": HONEST}]
    path = tmp_path / "cheats.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    out = tmp_path / "verdicts.jsonl"
    env = {
        "SCIGLM_LEAN_REPL": f"{sys.executable} {FAKE_REPL}",
        "SCIGLM_LEAN_COMPARATOR": f"{sys.executable} {FAKE_COMPARATOR}",
        "SCIGLM_LEAN_PROJECT": str(tmp_path),
    }
    result = run(["verify", str(path), "-o", str(out), "--workers", "2"], env, )
    assert result.returncode == 0, result.stderr
    verdicts = {v["id"]: v for v in map(json.loads, out.read_text().splitlines())}
    assert len(verdicts) == len(records)
    assert verdicts.pop("honest")["correct"] is True  # the run can say true
    forged = {k: v["reason"] for k, v in verdicts.items() if v["correct"] is True}
    assert not forged, forged
    assert sum(v["correct"] is False for v in verdicts.values()) >= len(verdicts) - 12
