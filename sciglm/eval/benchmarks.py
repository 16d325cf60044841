"""The benchmarks ``sciglm eval`` knows, where their files live, and user-mapped JSONL files.

A built-in benchmark names a question loader (from the ``sources``/``lean`` plugins), its file
under the data folder, and how it is scored. ``--benchmark NAME=PATH`` points a built-in at
another file (``math=…/math/test.jsonl`` for the full 5,000); ``--benchmark NAME=PATH:SUBJECT``
with a new NAME evaluates any JSONL/CSV/Parquet with ``question`` and ``reference`` fields.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sciglm import registry
from sciglm.data.files import load_mapped
from sciglm.errors import SciglmError
from sciglm.records import Question

DATA_ENV = "SCIGLM_DATA"


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: what to load, from where, and what the score means."""

    name: str
    title: str
    path: str  # relative to the data folder, or absolute for a mapped file
    loader: str | None = None  # registered question loader; None = generic field-mapped file
    subject: str | None = None  # every question's subject (mapped files)
    loader_options: dict[str, Any] = field(default_factory=dict)
    fewshot_path: str | None = None  # a dev split for exemplars; else the file's own tail
    keep: Callable[[Question], bool] | None = None  # which questions are scored
    scoring: str = ""
    mapped: bool = False  # the path was given on the command line (relative to the CWD)


def _gaokao_objective(question: Question) -> bool:
    return question.meta.get("type") in ("single_choice", "multi_choice")


BUILTIN: dict[str, Benchmark] = {
    b.name: b
    for b in (
        Benchmark("gsm8k", "GSM8K", "gsm8k/test.jsonl", "gsm8k",
                  scoring="exact numeric match of the final answer (math verifier)"),
        Benchmark("math", "MATH", "math/test500.jsonl", "math",
                  scoring="MATH-500; boxed answer equivalent to the reference (math verifier)"),
        Benchmark("scibench", "SciBench", "scibench/scibench.jsonl", "scibench",
                  scoring="number in the reference's unit within 5% (physics/chemistry/math)"),
        Benchmark("theoremqa", "TheoremQA", "theoremqa/theoremqa.jsonl", "theoremqa",
                  scoring="typed answer (number, bool, list, option) by the subject verifier"),
        Benchmark("scieval", "SciEval", "scieval/valid.jsonl", "scieval",
                  fewshot_path="scieval/dev.jsonl",
                  scoring="choice letter / yes-no / text by the subject verifier (valid split)"),
        Benchmark("gaokao", "GAOKAO-STEM", "gaokao-bench/gaokao_stem.jsonl", "gaokao",
                  keep=_gaokao_objective,
                  scoring="multiple-choice questions only; the whole letter set must match"),
        Benchmark("minif2f", "miniF2F", "minif2f-lean4/minif2f.jsonl", "minif2f",
                  loader_options={"split": "test"},
                  scoring="pass@1: Lean 4 accepts the proof (lean subject; needs lake)"),
    )
}


def default_data_dir() -> Path | None:
    """``$SCIGLM_DATA``, else ``../shared/data`` from the current folder when it exists."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    candidate = Path("..") / "shared" / "data"
    return candidate if candidate.is_dir() else None


def parse_benchmarks(specs: tuple[str, ...] | list[str]) -> list[Benchmark]:
    """``gsm8k,math`` / ``math=PATH`` / ``mine=PATH:physics`` → benchmarks, in order, no repeats."""
    chosen: dict[str, Benchmark] = {}
    for spec in specs:
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            bench = _one(part)
            if bench.name in chosen:
                raise SciglmError(f"--benchmark {part}: {bench.name!r} is named twice")
            chosen[bench.name] = bench
    if not chosen:
        raise SciglmError("--benchmark: name at least one benchmark")
    return list(chosen.values())


def _one(spec: str) -> Benchmark:
    name, sep, target = spec.partition("=")
    name = name.strip()
    if not sep:
        if name not in BUILTIN:
            raise SciglmError(
                f"unknown benchmark {name!r} (known: {', '.join(BUILTIN)}; "
                "or map a file: --benchmark NAME=PATH:SUBJECT)"
            )
        return BUILTIN[name]
    if not name or not target:
        raise SciglmError(f"--benchmark {spec}: expected NAME=PATH or NAME=PATH:SUBJECT")
    path, subject = target, None
    head, colon, tail = target.rpartition(":")
    if colon and tail and "/" not in tail and "." not in tail:
        path, subject = head, tail
    if name in BUILTIN and subject is None:
        return replace(BUILTIN[name], path=path, mapped=True, fewshot_path=None)
    if subject is None:
        raise SciglmError(
            f"--benchmark {spec}: a new benchmark needs a subject: {name}=PATH:SUBJECT"
        )
    registry.get_subject(subject)
    return Benchmark(name, name, path, loader=None, subject=subject, mapped=True,
                     scoring=f"{subject} verifier against the file's 'reference'")


def resolve(bench: Benchmark, data_dir: Path | None, relative: str | None = None) -> Path:
    """The file of ``bench`` (or its ``relative`` companion); a clear error when it is missing."""
    if bench.mapped and relative is None:
        path = Path(bench.path).expanduser()
        if not path.is_file():
            raise SciglmError(f"{bench.name}: no such file: {path}")
        return path
    name = relative or bench.path
    if data_dir is None:
        raise SciglmError(
            f"{bench.name}: no data folder for {name} (pass --data-dir, set ${DATA_ENV}, "
            f"or map the file: --benchmark {bench.name}=PATH)"
        )
    path = data_dir / name
    if not path.is_file():
        raise SciglmError(
            f"{bench.name}: data file not found: {path} (set --data-dir or ${DATA_ENV} to the "
            f"folder holding {name}, or map a file: --benchmark {bench.name}=PATH)"
        )
    return path


def load(bench: Benchmark, path: Path) -> list[Question]:
    """Every question of the file, through the benchmark's loader; repeated ids made unique."""
    if bench.loader is None:
        assert bench.subject is not None
        questions = list(load_mapped(path, bench.subject, source=bench.name))
    else:
        loader = registry.get_loader(bench.loader).loader
        questions = list(loader(str(path), **bench.loader_options))
    if bench.keep is not None:
        questions = [q for q in questions if bench.keep(q)]
    return _unique_ids(questions)


def _unique_ids(questions: list[Question]) -> list[Question]:
    """Ids are how a run resumes, so a repeated id gets ``#2``, ``#3`` … in file order."""
    seen: Counter[str] = Counter()
    for question in questions:
        seen[question.id] += 1
        if seen[question.id] > 1:
            question.id = f"{question.id}#{seen[question.id]}"
    return questions
