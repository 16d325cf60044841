r"""Evaluation protocols (what is asked, how it is decoded and judged) and prompt formats (how
the prompt text reaches the model).

- ``cot``: the subject's system prompt, "solve it step by step" and a final ``\boxed{}``,
  judged by the subject verifiers (or the option letter). sciglm's modern default.
- ``direct``: the final answer alone as ``\boxed{}``.
- ``sciglm``: the paper's evaluation as THUDM/SciGLM's released code does it
  (``evaluation/SciEval/evaluate_SciEval.py``): zero-shot, the question as the benchmark writes
  it with no instruction of ours, greedy decoding, 512 new tokens, and each benchmark's
  original scorer (SciEval: the first character for multiple choice, a substring for judge and
  filling). Where the paper and code are silent, docs/fidelity.md says what was chosen.

Prompt formats: ``chat`` (the tokenizer's chat template, or an endpoint's chat API) and
``sciglm`` (SciGLM's training prompt ``[Round 1]\n\n问：…\n\n答：`` as plain text completed by
the model: a local model's ``complete_text`` or an endpoint's ``/v1/completions``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sciglm.errors import SciglmError
from sciglm.prompt_format import RECIPE_FILE

PROMPT_FORMATS = ("chat", "sciglm")


@dataclass(frozen=True)
class Protocol:
    """A named way of asking and judging; benchmarks fill in their part per protocol name."""

    name: str
    description: str
    #: The instruction after each question (``{form}``: the benchmark's answer form), if any.
    instruction: str | None
    #: ``"subject"``: the subject's system prompt; a string: that text; ``None``: none.
    system: str | None
    #: The prompt format used when neither the user nor the model's recipe names one.
    prompt_format: str = "chat"
    #: How a few-shot exemplar's answer is written: ``"steps"`` (solution + boxed answer),
    #: ``"boxed"`` (boxed answer only) or ``"plain"`` (solution, then "The answer is X").
    exemplar: str = "steps"


DIRECT_SYSTEM = "You are a careful scientist. Reply with the final answer only, as \\boxed{ANSWER}."

PROTOCOLS: dict[str, Protocol] = {
    p.name: p
    for p in (
        Protocol("cot", "chain of thought, final answer in \\boxed{}, subject verifiers",
                 "Solve it step by step, then give the final answer ({form}) as \\boxed{{ANSWER}}.",
                 "subject"),
        Protocol("direct", "the final answer only, in \\boxed{}, subject verifiers",
                 "Reply with the final answer only ({form}) as \\boxed{{ANSWER}}.",
                 DIRECT_SYSTEM, exemplar="boxed"),
        Protocol("sciglm", "the paper's evaluation: zero-shot, the question as written, greedy, "
                 "512 tokens, the original scorers", None, None, prompt_format="sciglm",
                 exemplar="plain"),
    )
}


def get_protocol(name: str) -> Protocol:
    """The protocol called ``name``; a one-line error naming the known ones otherwise."""
    if name not in PROTOCOLS:
        raise SciglmError(f"unknown protocol {name!r} (known: {', '.join(PROTOCOLS)})")
    return PROTOCOLS[name]


def check_prompt_format(name: str) -> str:
    if name not in PROMPT_FORMATS:
        raise SciglmError(f"unknown prompt format {name!r} (known: {', '.join(PROMPT_FORMATS)})")
    return name


def read_recipe(model: str | None) -> dict[str, str]:
    """``{"recipe": …, "prompt_format": …}`` from the model folder's recipe file (``{}`` when
    ``model`` is not a local folder holding one); a malformed file is a one-line error."""
    if not model:
        return {}
    path = Path(model).expanduser() / RECIPE_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise SciglmError(f"{path}: cannot read the training recipe ({exc})") from exc
    if not isinstance(data, dict):
        raise SciglmError(f"{path}: the training recipe must be a JSON object")
    return {k: str(data[k]) for k in ("recipe", "prompt_format") if isinstance(data.get(k), str)}


def choose(protocol: str | None, prompt_format: str | None,
           recipe: dict[str, str]) -> tuple[Protocol, str]:
    """The protocol and prompt format of a run: what the user named, else what the model's
    recipe implies (a model of an original recipe, ``sciglm`` or ``sciglm-ds3``, is evaluated
    as the paper did), else ``cot``."""
    from sciglm.train.recipes import ORIGINAL_RECIPES

    if protocol is None:
        protocol = "sciglm" if recipe.get("recipe") in ORIGINAL_RECIPES else "cot"
    chosen = get_protocol(protocol)
    fmt = prompt_format or recipe.get("prompt_format") or chosen.prompt_format
    return chosen, check_prompt_format(fmt)
