"""Rule filters for annotated solutions: each rule returns ``None`` (keep) or a reason (drop)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sciglm.answers.extract import choice_letter, final_answer
from sciglm.data.text import cjk_count, cjk_ratio
from sciglm.errors import SciglmError


@dataclass
class RuleConfig:
    """Thresholds of the rule filters (characters of the response)."""

    min_chars: int = 15
    max_chars: int = 16000
    max_line_repeats: int = 5
    max_consecutive_repeats: int = 3
    min_repeat_line_chars: int = 12


Rule = Callable[[str, str, RuleConfig], "str | None"]

# A solution that stops on one of these has been cut off mid-thought.
_DANGLING = re.compile(r"(?:[=,:(\[{]|\\\\|\b(?:and|so|then|thus|therefore|because|is|the|of))\s*$",
                       re.IGNORECASE)
# Chinese / generic ways of stating the answer that extract.py does not cover.
_STATED = re.compile(r"(选\s*[:：]?\s*[A-H]|答案|答[:：]|所以|因此|综上|故|解得|answer)",
                     re.IGNORECASE)
_FINISH_LENGTH = ("length", "max_tokens")


def empty(question: str, response: str, config: RuleConfig) -> str | None:
    return "empty response" if not response.strip() else None


def too_short(question: str, response: str, config: RuleConfig) -> str | None:
    n = len(response.strip())
    return f"{n} chars < {config.min_chars}" if n < config.min_chars else None


def too_long(question: str, response: str, config: RuleConfig) -> str | None:
    n = len(response)
    return f"{n} chars > {config.max_chars}" if n > config.max_chars else None


def repeated_lines(question: str, response: str, config: RuleConfig) -> str | None:
    lines = [ln.strip() for ln in response.splitlines()]
    lines = [ln for ln in lines if len(ln) >= config.min_repeat_line_chars
             and not ln.startswith(("\\begin", "\\end"))]
    run, longest = 1, (1, "")
    for before, line in zip(lines, lines[1:], strict=False):
        run = run + 1 if line == before else 1
        longest = max(longest, (run, line))
    if longest[0] >= config.max_consecutive_repeats:
        return f"a line repeats {longest[0]} times in a row: {longest[1][:40]!r}"
    counts = Counter(lines)
    if counts:
        line, n = counts.most_common(1)[0]
        if n >= config.max_line_repeats:
            return f"a line occurs {n} times: {line[:40]!r}"
    return None


def unfinished(question: str, response: str, config: RuleConfig) -> str | None:
    text = response.rstrip()
    if text.count("```") % 2:
        return "unclosed code block"
    if text.count("\\boxed{") and text.rfind("{") > text.rfind("}"):
        return "unclosed brace at the end"
    if _DANGLING.search(text[-40:]):
        return f"ends mid-sentence: {text[-20:]!r}"
    return None


def wrong_language(question: str, response: str, config: RuleConfig) -> str | None:
    q_zh = cjk_ratio(question) >= 0.3
    r_ratio = cjk_ratio(response)
    if q_zh and cjk_count(response) == 0 and len(response) >= 40:
        return "Chinese question, answer without any Chinese"
    if not q_zh and cjk_count(question) == 0 and r_ratio >= 0.3:
        return f"non-Chinese question, answer {r_ratio:.0%} Chinese"
    return None


def answer_not_stated(question: str, response: str, config: RuleConfig) -> str | None:
    if final_answer(response) or choice_letter(response):
        return None
    if _STATED.search(response[-400:]):
        return None
    return "no final answer stated (boxed, ####, 'the answer is', 故选/答案)"


RULES: dict[str, Rule] = {
    "empty": empty,
    "too_short": too_short,
    "too_long": too_long,
    "repeated_lines": repeated_lines,
    "unfinished": unfinished,
    "wrong_language": wrong_language,
    "answer_not_stated": answer_not_stated,
}


def parse_rules(spec: str | None) -> list[str]:
    """``"all"``/``None`` → every rule; ``"none"`` → none; else a comma list, ``-name`` removes."""
    if spec is None or spec.strip() in ("", "all"):
        return list(RULES)
    if spec.strip() == "none":
        return []
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    chosen = list(RULES) if all(p.startswith("-") for p in parts) else []
    for part in parts:
        name = part.lstrip("-")
        if name not in RULES:
            raise SciglmError(f"--rules: unknown rule {name!r} (known: {', '.join(RULES)})")
        if part.startswith("-"):
            chosen = [r for r in chosen if r != name]
        elif name not in chosen:
            chosen.append(name)
    return chosen


def check(question: str, response: str, names: list[str], config: RuleConfig,
          finish_reason: str | None = None) -> tuple[str, str] | None:
    """The first rule that drops the response, as ``(rule, reason)``, or ``None`` to keep it."""
    if finish_reason in _FINISH_LENGTH and "unfinished" in names:
        return "unfinished", f"generation stopped by the length limit ({finish_reason})"
    for name in names:
        reason = RULES[name](question, response, config)
        if reason:
            return name, reason
    return None
