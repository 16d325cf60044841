"""Question loaders for the public sets: ``--source gsm8k:PATH``, ``math:``, ``scibench:`` …

Registered through the entry point ``sources = "sciglm_sources"``; each loader turns one
set's own field names into :class:`sciglm.records.Question` records.
"""

from __future__ import annotations

from collections.abc import Callable

from sciglm.hookspecs import hookimpl
from sciglm_sources import loaders


@hookimpl
def register_loaders(register: Callable[..., None]) -> None:
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
