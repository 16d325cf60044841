"""``sciglm annotate``'s one config: every option with its default and help, in one place.

The command's click options are derived from it (:func:`sciglm.config.click_options`); the
runner reads the same object. Fields without ``option()`` are filled in at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sciglm.catalog.config import data_dir_option
from sciglm.config import option
from sciglm.endpoint.cache import default_cache_path
from sciglm.endpoint.client import DEFAULT_IDLE_TIMEOUT
from sciglm.verify.pool import DEFAULT_MEMORY_MB


@dataclass
class AnnotateConfig:
    """Everything an annotation run needs besides its questions."""

    output: str = option(help="Annotated records, one JSON line per question (appended as "
                         "they finish).", short="-o", path=True)
    base_url: str | None = option(None, "OpenAI-compatible endpoint, e.g. "
                                  "https://api.openai.com/v1 (default: start the embedded "
                                  "teacher on 127.0.0.1).")
    model: str | None = option(None, "Model name at --base-url; without --base-url a model "
                               "folder to serve (default: the embedded SmolLM2-135M-Instruct).")
    api_key_env: str = option("OPENAI_API_KEY", "Environment variable holding the API key.")
    concurrency: int = option(8, "Requests in flight at once.", min=1, max=1024)
    max_reflections: int = option(2, "Critic-and-revise rounds after a wrong answer.",
                                  min=0, max=20)
    reflect_choices: bool = option(False, "Also reflect on multiple-choice questions (the "
                                   "original skipped them: a wrong letter goes to the hint).")
    original_prompts: bool = option(False, "The original SciGLM prompts (one Chinese user turn "
                                    "'Q: … A:', the reference inside the reflection prompt, "
                                    "lines joined, the text after '正确解答：' kept; no hint "
                                    "stage) instead of the subject's.")
    temperature: float = option(0.7, "Sampling temperature.", min=0)
    max_tokens: int = option(1024, "Tokens per response.", min=1)
    subject: str | None = option(None, "Treat every question as this subject.")
    judge: str | None = option(None, "Model (same endpoint) that decides when the verifier "
                               "cannot; 'embedded' = the served teacher.")
    resume: bool = option(True, "Skip ids already in OUTPUT; --no-resume refuses an existing "
                          "OUTPUT.", negatable=True)
    retry_errors: bool = option(False, "Drop records that failed on teacher errors from OUTPUT "
                                "and run them again.")
    limit: int | None = option(None, "Annotate at most this many questions.", min=1)
    data_dir: str | None = data_dir_option("the evaluation sets")
    skip_invalid: bool = option(False, "Report and skip bad input lines.")
    request_timeout: float = option(300.0, "Seconds one try of a request may take in all.",
                                    min=1)
    idle_timeout: float = option(DEFAULT_IDLE_TIMEOUT, "Seconds without a byte on a streamed "
                                 "answer before the try is retried (a stalled connection).",
                                 min=0.1)
    stream: bool = option(True, "Stream answers (stalls are noticed after --idle-timeout); "
                          "--no-stream for servers that cannot.", negatable=True)
    batch: bool = option(False, "Use the OpenAI Batch API: each stage's requests go as one "
                         "batch (half price, hours of latency); resumable by batch id.")
    batch_poll: float = option(30.0, "Seconds between checks of a running batch.", min=0.01)
    max_retries: int = option(6, "Retries of a failing request (429, 5xx, timeout, stall, "
                              "dropped, malformed).", min=0)
    retry_wait: float = option(1.0, "First backoff in seconds (doubles each retry, with "
                               "jitter).", min=0)
    max_consecutive_errors: int = option(3, "Stop after this many questions in a row fail on "
                                         "teacher errors.", min=1)
    cache: str | None = option(None, "Response cache file (default: OUTPUT.cache.sqlite).",
                               path=True)
    no_cache: bool = option(False, "Do not cache responses.")
    workers: int | None = option(None, "Verifier processes (default: CPUs).", min=1)
    memory_mb: int = option(DEFAULT_MEMORY_MB, "Memory cap per verifier process.", min=1)
    price_input: float | None = option(None, "USD per million prompt tokens (for the cost).")
    price_output: float | None = option(None, "USD per million completion tokens.")
    as_json: bool = option(False, "Print the summary as JSON on stdout.", flag="--json")
    # -- filled in at run time -------------------------------------------------------------
    api_key: str = "sk-no-key"
    embedded: bool = False
    start_method: str = "forkserver"  # "fork" lets tests use subjects registered in process

    def cache_path(self) -> Path | None:
        """The response cache file, or ``None`` with ``--no-cache``."""
        if self.no_cache:
            return None
        return Path(self.cache) if self.cache else default_cache_path(self.output)
