"""Question loaders for the public sets (``--source gsm8k:PATH``, ``math:``, ``ceval:`` …) and
the built-in benchmarks of ``sciglm eval``.

Registered through the entry point ``sources = "sciglm_sources"``; each loader turns one
set's own field names into :class:`sciglm.records.Question` records; each benchmark is one
object in :mod:`sciglm_sources.benchmarks`. Loading the plugin imports none of them: each hook
imports its module when the host asks for loaders or benchmarks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sciglm.hookspecs import hookimpl


@hookimpl
def register_loaders(register: Callable[..., None]) -> None:
    from sciglm_sources import exams, loaders

    register("gsm8k", loaders.load_gsm8k, "math", "GSM8K test.jsonl (answer after ####)")
    register("math", loaders.load_math, "math", "MATH test.jsonl / MATH-500 (boxed answer)")
    register("scibench", loaders.load_scibench, None,
             "SciBench (subject per record; unit kept in meta['unit'])")
    register("theoremqa", loaders.load_theoremqa, None,
             "TheoremQA without its 53 picture questions (Physics→physics, rest→math)")
    register("scieval", loaders.load_scieval, None,
             "SciEval static set (subject = category: chemistry, physics, biology)")
    register("gaokao", loaders.load_gaokao, None,
             "GAOKAO-Bench STEM (math, physics, chemistry, biology; MCQ letters)")
    register("ceval", exams.load_ceval, None,
             "C-Eval STEM val/dev (subject = C-Eval subject; meta['hard'] for C-Eval Hard)")
    register("mmlu", exams.load_mmlu, None, "MMLU STEM test/dev (subject = MMLU subject)")
    register("agieval", exams.load_agieval, "math", "AGIEval v1 SAT-Math / AQuA-RAT (letters)")
    register("mathematics", exams.load_mathematics, "math",
             "DeepMind Mathematics sample (MAmmoTH's 1,000 questions)")


@hookimpl
def register_benchmarks(register: Callable[[Any], None]) -> None:
    from sciglm_sources.benchmarks import BENCHMARKS

    for benchmark in BENCHMARKS:
        register(benchmark)
