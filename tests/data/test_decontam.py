"""n-gram decontamination against evaluation files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sciglm.data.decontam import EvalSet, NgramIndex, Vocabulary, gram_hashes, parse_eval_set
from sciglm.errors import InputError, SciglmError

EVAL_Q = ("Natalia sold clips to 48 of her friends in April, and then she sold half as many "
          "clips in May. How many clips did Natalia sell altogether in April and May?")


def _eval_file(tmp_path: Path, rows: list[dict], name: str = "bench.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_gram_hashes_are_windows() -> None:
    ids = np.arange(1, 21, dtype=np.uint64)
    grams = gram_hashes(ids, 13)
    assert len(grams) == 8 and len(set(grams.tolist())) == 8
    assert gram_hashes(ids[:12], 13).size == 0
    assert gram_hashes(ids[3:16], 13)[0] == grams[3]


def test_overlap_found_and_clean_text_passes(tmp_path: Path) -> None:
    path = _eval_file(tmp_path, [{"question": EVAL_Q}, {"problem": "A second, unrelated one."}])
    index = NgramIndex([EvalSet("bench", str(path))], n=13)
    leaked = "Warm-up: " + EVAL_Q.upper().replace(",", " ,") + " Show your work."
    clean = "Natalia bought pencils for 12 of her friends in June; how many pencils in total?"
    hits = index.check([leaked, clean])
    assert hits[0] is not None and hits[0].eval_set == "bench" and hits[0].eval_item == 0
    assert "natalia sold clips" in hits[0].ngram
    assert hits[1] is None


def test_short_questions_match_whole_and_identical(tmp_path: Path) -> None:
    path = _eval_file(tmp_path, [{"question": "Compute the value of 17 times 23 exactly now."},
                                 {"question": "Compute $\\dbinom{31}{28}$."}])
    index = NgramIndex([EvalSet("b", str(path))], n=13, min_tokens=8)
    assert index.check(["Please compute the value of 17 times 23 exactly now, thanks"])[0]
    assert index.check(["compute   $\\dbinom{31}{28}$."])[0].ngram == "(identical question)"
    assert index.check(["Compute 17 times 24."])[0] is None


def test_ngram_size_is_configurable(tmp_path: Path) -> None:
    path = _eval_file(tmp_path, [{"question": EVAL_Q}])
    part = "She sold half as many clips in May."  # 8 tokens
    assert NgramIndex([EvalSet("b", str(path))], n=13).check([part])[0] is None
    assert NgramIndex([EvalSet("b", str(path))], n=8).check([part])[0] is not None


def test_bad_eval_files_name_file_and_line(tmp_path: Path) -> None:
    path = _eval_file(tmp_path, [{"question": EVAL_Q}, {"answer": "4"}])
    with pytest.raises(InputError, match=r"bench.jsonl:2: no question field"):
        NgramIndex([EvalSet("b", str(path))])
    with pytest.raises(InputError, match="evaluation set not found"):
        NgramIndex([EvalSet("b", str(tmp_path / "missing.jsonl"))])
    with pytest.raises(SciglmError):
        parse_eval_set("a:b:c:d")
    assert parse_eval_set("gsm:x.jsonl:question") == EvalSet("gsm", "x.jsonl", "question")


def test_vocabulary_queries_do_not_grow() -> None:
    vocab = Vocabulary()
    vocab.encode("alpha beta")
    assert vocab.encode("alpha gamma", grow=False).tolist() == [1, 0]
