"""An eval run's folder: ``run.json`` (the settings), ``predictions/NAME.jsonl`` (one line per
judged item, appended as it is judged), ``results.json`` and ``results.md``.

A run resumes by item id: items already in a predictions file are not generated again. Settings
that change the answers (model, protocol, prompt format, shots, sampling) must match the folder's
``run.json``; anything else (more benchmarks, a larger ``--limit``) simply extends the run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sciglm.errors import InputError, SciglmError
from sciglm.io.jsonl import JsonlAppender, iter_jsonl, repair_torn_tail

#: Settings that change what the model answers; a resumed run must keep them.
PINNED = ("model", "base_url", "protocol", "prompt_format", "shots", "max_tokens", "temperature",
          "top_p")


class RunFolder:
    """The files of one eval run."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.config_path = self.root / "run.json"

    def predictions_path(self, benchmark: str) -> Path:
        return self.root / "predictions" / f"{benchmark}.jsonl"

    def start(self, config: dict[str, Any], overwrite: bool = False) -> bool:
        """Write ``run.json``; ``True`` when resuming an earlier run with the same settings."""
        self.root.mkdir(parents=True, exist_ok=True)
        resumed = False
        if self.config_path.exists() and not overwrite:
            try:
                earlier = json.loads(self.config_path.read_text("utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise InputError(
                    f"cannot read the run settings ({exc})", str(self.config_path)
                ) from exc
            changed = [k for k in PINNED if earlier.get(k) != config.get(k)]
            if changed:
                what = ", ".join(f"{k}: {earlier.get(k)!r} → {config.get(k)!r}" for k in changed)
                raise SciglmError(
                    f"{self.root} holds a run with other settings ({what}); use another --output "
                    "or --overwrite to start again"
                )
            before = [str(name) for name in earlier.get("benchmarks") or []]
            config = earlier | config
            config["benchmarks"] = before + [b for b in config["benchmarks"] if b not in before]
            resumed = True
        elif overwrite:
            for old in (self.root / "predictions").glob("*.jsonl"):
                old.unlink()
        text = json.dumps(config, indent=2, ensure_ascii=False) + "\n"
        self.config_path.write_text(text, "utf-8")
        return resumed

    def done(self, benchmark: str) -> dict[str, dict[str, Any]]:
        """Records already judged for ``benchmark``, by item id (a torn last line is repaired)."""
        path = self.predictions_path(benchmark)
        if not path.exists():
            return {}
        repair_torn_tail(path)
        return {str(record.get("id")): record for _, record in iter_jsonl(path)}

    def appender(self, benchmark: str) -> JsonlAppender:
        return JsonlAppender(self.predictions_path(benchmark))
