"""``sciglm eval``'s one config: every option with its default and help, in one place; the
command's click options are derived from it (:func:`sciglm.config.click_options`)."""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.config import option


@dataclass
class EvalConfig:
    """Everything an evaluation run is given on the command line."""

    model: str | None = option(None, "Local folder, Hub id or catalogue name (original ChatGLM "
                               "checkpoints are converted once), 'embedded' (default), or the "
                               "endpoint's model name.")
    base_url: str | None = option(None, "OpenAI-compatible endpoint (key: $OPENAI_API_KEY); "
                                  "requests run concurrently.")
    benchmark: tuple[str, ...] = option(
        (), help="gsm8k, math, scibench, theoremqa, scieval, gaokao, sat-math, aqua, mathematics, "
             "minif2f; the paper's sets ceval-sci (210), ceval-math, ceval-hard, mmlu-sci "
             "(1,855), mmlu-math (974), mmlu-math-v1, scibench-2023 (583); the larger "
             "ceval-stem, mmlu-stem (old names work as aliases: ceval, mmlu, agieval-sat-math …) "
             "and any a plugin registers; NAME=PATH for another file of a known benchmark; "
             "NAME=PATH:SUBJECT for your own JSONL.",
        multiple=True, metavar="NAME[,NAME…]", required=True)
    protocol: str | None = option(None, "cot (step by step, boxed answer, subject verifiers), "
                                  "direct (boxed answer only) or sciglm (the paper's: zero-shot, "
                                  "greedy, 512 tokens, the original scorers). Default: sciglm "
                                  "for a model trained with the sciglm recipe, else cot.",
                                  metavar="NAME")
    prompt_format: str | None = option(None, "chat (chat template / chat API) or sciglm "
                                       "('[Round 1]\\n\\n问：…\\n\\n答：' completed as plain "
                                       "text). Default: the model's recipe, else the "
                                       "protocol's.", metavar="NAME")
    compare: str | None = option(None, "Print the paper's rows and every paper column beside "
                                 "the scores: sciglm-paper (Tables 3-4) or sciglm-paper-v1 (v1, "
                                 "Tables 5-6); math then scores the full 5,000.",
                                 metavar="TABLE")
    limit: int | None = option(None, "Score only the first N items of each benchmark.", min=1)
    shots: int = option(0, "Worked exemplars before each question (few-shot; the dev split "
                        "where the benchmark has one).", min=0)
    max_tokens: int = option(512, "Longest answer, in tokens.", min=1)
    temperature: float = option(0.0, "0 is greedy (repeatable scores).", min=0)
    batch_size: int = option(8, "Questions per batch on a local model.", min=1)
    concurrency: int = option(8, "Requests in flight to an endpoint.", min=1)
    workers: int = option(2, "Verifier processes.", min=1)
    data_dir: str | None = option(None, "Folder of the public sets in the mirror layout "
                                  "(default: $SCIGLM_DATA, then the cache).", path=True)
    output: str | None = option(None, "Run folder (default: eval-runs/MODEL). Re-running "
                                "resumes it.", short="-o", path=True)
    overwrite: bool = option(False, "Discard the predictions already in --output.")
    retry_errors: bool = option(False, "Ask again for the items whose request failed in an "
                                "earlier run (kept apart from the scores, as errors).")
    as_json: bool = option(False, "Print the results as JSON on stdout.", flag="--json")
