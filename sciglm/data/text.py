"""Text normalization shared by dedup and decontamination: one tokenizer for English and Chinese."""

from __future__ import annotations

import re
import unicodedata

# A CJK ideograph (or kana/hangul) is a token by itself; runs of letters/digits are tokens.
_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|[^\W_]+", re.UNICODE
)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFKC, lower case, whitespace collapsed: the form that exact duplicates share."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def tokens(text: str) -> list[str]:
    """Word tokens of normalized text; each CJK character counts as one token."""
    return _TOKEN.findall(normalize(text))


def cjk_ratio(text: str) -> float:
    """Share of CJK characters among CJK characters and Latin letters (0 when there are none)."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


def cjk_count(text: str) -> int:
    """How many CJK ideographs the text holds."""
    return len(_CJK.findall(text))
