"""``sciglm verify``'s one config: every option with its default and help, in one place; the
command's click options are derived from it (:func:`sciglm.config.click_options`)."""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.config import option
from sciglm.verify.pool import DEFAULT_MEMORY_MB


@dataclass
class VerifyConfig:
    """How to check a file of answers."""

    output: str | None = option(None, "Write verdicts here (default: stdout).", short="-o",
                                path=True)
    subject: str | None = option(None, "Treat every record as this subject.")
    workers: int | None = option(None, "Verifier processes (default: CPU count).", min=1)
    timeout: float | None = option(None, "Seconds per check (default: the subject's).",
                                   min=0.01)
    memory_mb: int = option(DEFAULT_MEMORY_MB, "Memory a check may take, on top of what its "
                            "worker process starts with.", min=1)
    skip_invalid: bool = option(False, "Report and skip malformed lines instead of stopping.")
    as_json: bool = option(False, "Print the summary as JSON on stdout.", flag="--json")
