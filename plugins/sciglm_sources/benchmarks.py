"""The built-in benchmarks: one :class:`Benchmark` each, registered by the ``sources`` plugin
exactly as a third party registers its own (``register_benchmarks``).

Each names its data source (the catalogue's entry of that name, else its own), the loader, the
answer form, the question text per protocol and the scorer per protocol. Under the ``sciglm``
protocol (the paper's) multiple-choice questions show their options as ``A. …`` lines and are
judged by the letter the answer opens with; SciEval is asked and judged exactly as
``evaluation/SciEval/evaluate_SciEval.py`` of THUDM/SciGLM does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from sciglm.catalog.data import (
    CATALOG,
    CEVAL_MATH,
    CEVAL_SCI,
    MMLU_MATH,
    MMLU_SCI,
    DataSource,
)
from sciglm.eval.benchmarks import CUSTOM_SCORER, Benchmark
from sciglm.records import Question, Verdict, VerifyItem

MC_FORM = "the letter of the correct option"
LETTER = "letter"


def source(name: str, title: str, splits: dict[str, str], licence: str = "",
           homepage: str = "", citation: str = "") -> DataSource:
    """The catalogue's entry ``name`` when it has these split files, else this one."""
    known = CATALOG.get(name)
    if known is not None and all(known.splits.get(s) == f for s, f in splits.items()):
        return known
    return DataSource(name, title, splits, licence=licence, homepage=homepage,
                      citation=citation)


def lettered(question: Question) -> str:
    """The question, then its options as ``A. …`` lines (the C-Eval/MMLU answer-only layout)."""
    options = "\n".join(f"{'ABCDEFGHIJ'[i]}. {c}" for i, c in enumerate(question.choices or []))
    return f"{question.question.strip()}\n{options}" if options else question.question.strip()


def scieval_original(question: Question) -> str:
    """SciGLM's SciEval prompt: the item's task ``prompt``, ``"\\ninput:"``, the question."""
    return f"{question.meta.get('prompt') or ''}\ninput:{question.question}"


_THEOREMQA_FORMS = {
    "integer": "an integer",
    "float": "a number",
    "bool": "True or False",
    "list of integer": "a list of integers such as [1, 2]",
    "list of float": "a list of numbers such as [0.5, 1.2]",
    "option": "the option letter, such as (a)",
}
_SCIEVAL_FORMS = {
    "multiple-choice": "the letter of the correct option",
    "judge": "yes or no",
    "filling": "the missing text",
}


def scieval_cells(question: Question) -> tuple[str, ...]:
    """SciEval's report cells as ``evaluate_SciEval.py`` prints them: the category, and the
    category × ability (``chemistry / Knowledge Application``)."""
    ability = str(question.meta.get("ability") or "?")
    return question.subject, f"{question.subject} / {ability}"


def _scibench_form(question: Question) -> str:
    unit = str(question.meta.get("unit") or "").strip()
    return f"a number in the unit {unit}" if unit else "a number"


def _theoremqa_form(question: Question) -> str:
    return _THEOREMQA_FORMS.get(str(question.meta.get("answer_type")), "a number")


def _scieval_form(question: Question) -> str:
    return _SCIEVAL_FORMS.get(str(question.meta.get("type")), "the answer")


def mathematics_references(reference: str) -> list[str]:
    """The written forms a DeepMind Mathematics answer may take: ``[2, 7]`` is also ``2, 7``
    and ``12 3 0`` is ``12, 3, 0`` (the upstream file writes lists both ways)."""
    forms = [reference]
    inner = reference[1:-1].strip() if reference.startswith("[") and reference.endswith("]") else ""
    if inner:
        forms.append(inner)
    if re.fullmatch(r"-?\d+(?:\.\d+)?(?: +-?\d+(?:\.\d+)?)+", reference):
        forms.append(", ".join(reference.split()))
    return forms


def score_mathematics(item: VerifyItem) -> Verdict:
    """The math verifier against each written form of the reference; correct when one
    matches. Numbers compare as numbers (``7`` = ``7.0``), lists element by element (in any
    order, as the math verifier compares sets of values), expressions symbolically."""
    from sciglm import registry

    math = registry.get_subject("math")
    verdicts = [math.verify(replace(item, reference=form))
                for form in mathematics_references(item.reference or "")]
    for verdict in verdicts:
        if verdict.correct:
            return verdict
    undecided = next((v for v in verdicts if v.correct is None), None)
    return undecided or verdicts[0]


def _gaokao_objective(question: Question) -> bool:
    return question.meta.get("type") in ("single_choice", "multi_choice")


def _hard(question: Question) -> bool:
    return bool(question.meta.get("hard"))


def of_subjects(subjects: frozenset[str]) -> Callable[[Question], bool]:
    """Keep the questions of these exam subjects (the paper's sets are parts of a file)."""
    return lambda question: question.subject in subjects


_CEVAL = source("ceval-stem", "C-Eval (STEM subjects)", {"val": "ceval/val.jsonl",
                                                         "dev": "ceval/dev.jsonl"},
                "CC BY-NC-SA 4.0", "https://cevalbenchmark.com")
_MMLU = source("mmlu-stem", "MMLU (STEM subjects)", {"test": "mmlu/test.jsonl",
                                                     "dev": "mmlu/dev.jsonl"}, "MIT")
_MC_TEXTS = {"sciglm": lettered}
_MC_SCORERS = {"*": LETTER}


def _exam(name: str, title: str, data: DataSource, keep: Callable[[Question], bool] | None,
          scoring: str, split: str = "test", fewshot: str | None = "dev",
          loader: str = "mmlu") -> Benchmark:
    """A four-option exam set judged by the option letter."""
    return Benchmark(name, title, data, split=split, fewshot_split=fewshot, loader=loader,
                     keep=keep, answer_form=MC_FORM, texts=_MC_TEXTS, scorers=_MC_SCORERS,
                     scoring=scoring)

BENCHMARKS: list[Benchmark] = [
    Benchmark("gsm8k", "GSM8K",
              source("gsm8k", "GSM8K", {"test": "gsm8k/test.jsonl"}, "MIT"),
              loader="gsm8k", answer_form="a number",
              scoring="exact numeric match of the final answer (math verifier)"),
    Benchmark("math", "MATH",
              source("math", "MATH", {"test": "math/test.jsonl",
                                      "test500": "math/test500.jsonl"}, "MIT"),
              split="test500", paper_split="test", loader="math",
              scoring="MATH-500 (the full 5,000 under --protocol sciglm and --compare); boxed "
                      "answer equivalent to the reference (math verifier)"),
    Benchmark("scibench", "SciBench",
              source("scibench", "SciBench", {"test": "scibench/scibench.jsonl"}, "MIT"),
              loader="scibench", answer_form=_scibench_form,
              scoring="number in the reference's unit within 5% (physics/chemistry/math)"),
    Benchmark("scibench-2023", "SciBench (583)",
              source("scibench-2023", "SciBench (July 2023)",
                     {"test": "scibench/scibench-2023.jsonl"}, "MIT"),
              loader="scibench", answer_form=_scibench_form,
              scoring="the paper's SciBench: the 583 problems of mandyyyyii/scibench at "
                      "8dffce4 (July 2023); number within 5% as scibench"),
    Benchmark("theoremqa", "TheoremQA",
              source("theoremqa", "TheoremQA", {"test": "theoremqa/theoremqa.jsonl"}, "MIT"),
              loader="theoremqa", answer_form=_theoremqa_form,
              scoring="typed answer (number, bool, list, option) by the subject verifier"),
    Benchmark("scieval", "SciEval",
              source("scieval", "SciEval", {"valid": "scieval/valid.jsonl",
                                            "dev": "scieval/dev.jsonl"}),
              split="valid", fewshot_split="dev", loader="scieval", answer_form=_scieval_form,
              texts={"sciglm": scieval_original}, verbatim=("sciglm",),
              one_at_a_time=("sciglm",),
              scorers={"sciglm": "scieval-original"}, groups=scieval_cells,
              scoring="valid split; cot: letter / yes-no / text by the subject verifier; "
                      "sciglm: first character (multiple choice) or substring (judge, filling)"),
    Benchmark("gaokao", "GAOKAO-STEM",
              source("gaokao", "GAOKAO-Bench", {"test": "gaokao-bench/gaokao_stem.jsonl"},
                     "Apache-2.0"),
              loader="gaokao", keep=_gaokao_objective,
              answer_form="the letter(s) of the correct option(s)",
              scoring="multiple-choice questions only; the whole letter set must match"),
    _exam("ceval-stem", "CEval-STEM", _CEVAL, None,
          "C-Eval val, 20 STEM subjects (430); the option letter", split="val", loader="ceval"),
    _exam("ceval-sci", "CEval-Sci", _CEVAL, of_subjects(CEVAL_SCI),
          "the paper's CEval-Sci: C-Eval val, its 11 maths, physics and chemistry subjects "
          "(210); the option letter", split="val", loader="ceval"),
    _exam("ceval-math", "CEval-Math", _CEVAL, of_subjects(CEVAL_MATH),
          "the paper's CEval-Math: C-Eval val, its 5 maths subjects (90); the option letter",
          split="val", loader="ceval"),
    _exam("ceval-hard", "CEval-Hard", _CEVAL, _hard,
          "C-Eval Hard: its 8 hard subjects of the val split (152); the option letter",
          split="val", loader="ceval"),
    _exam("mmlu-stem", "MMLU-STEM", _MMLU, None,
          "MMLU's 18 STEM subjects, test split (3,018); the option letter"),
    _exam("mmlu-sci", "MMLU-Sci", _MMLU, of_subjects(MMLU_SCI),
          "the paper's MMLU-Sci: MMLU test, its 10 maths, physics and chemistry subjects "
          "(1,855); the option letter"),
    _exam("mmlu-math", "MMLU-Math",
          source("mmlu-math", "MMLU-Math (MAmmoTH)", {"test": "mmlu/mmlu-math-mi.jsonl"}, "MIT"),
          None, "the paper's MMLU-Math (MI): MAmmoTH's MMLU mathematics (974, formal_logic "
          "included); the option letter", fewshot=None),
    _exam("mmlu-math-v1", "MMLU-Math (v1)", _MMLU, of_subjects(MMLU_MATH),
          "the v1 table's MMLU-Math: MMLU test, its 5 maths subjects (1,064); the option "
          "letter"),
    Benchmark("sat-math", "SAT-Math",
              source("sat-math", "AGIEval SAT-Math",
                     {"test": "agieval/sat-math.jsonl"}, "MIT"),
              loader="agieval", answer_form=MC_FORM, texts=_MC_TEXTS, scorers=_MC_SCORERS,
              scoring="AGIEval v1 SAT-Math (220); the option letter"),
    Benchmark("aqua", "AQuA",
              source("aqua", "AGIEval AQuA-RAT", {"test": "agieval/aqua-rat.jsonl"},
                     "Apache-2.0"),
              loader="agieval", answer_form=MC_FORM, texts=_MC_TEXTS, scorers=_MC_SCORERS,
              scoring="AGIEval v1 AQuA-RAT (254, five options); the option letter"),
    Benchmark("mathematics", "Mathematics",
              source("mathematics", "DeepMind Mathematics (MAmmoTH sample)",
                     {"test": "deepmind-mathematics/test.jsonl"}, "MIT / Apache-2.0"),
              loader="mathematics", scorers={"*": CUSTOM_SCORER}, custom_score=score_mathematics,
              answer_form="a number, a list such as [2, 7], or an expression",
              scoring="DeepMind Mathematics sample (1,000) by the math verifier: numbers "
                      "compared as numbers (7 = 7.0), lists ([2, 7] or 2, 7) element by "
                      "element, expressions symbolically"),
]
