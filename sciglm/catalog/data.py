"""The public data sets sciglm knows, and where a split's file is found on this machine.

A :class:`DataSource` names a set, where it lives upstream (a Hugging Face Hub repository at a
pinned revision, or files at a pinned GitHub commit), and the file of each split in the *mirror
layout*: the folder layout the question loaders read (``gsm8k/test.jsonl``,
``math/test500.jsonl`` …). :func:`local_file` returns that file from a local mirror
(``--data-dir`` / ``$SCIGLM_DATA``), else from sciglm's cache under ``$HF_HOME``, else it
downloads the set into that cache (:mod:`sciglm.data.hub`), unless offline.

Benchmarks registered by plugins carry their own :class:`DataSource`; :func:`register_source`
adds one to the catalogue.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sciglm.errors import SciglmError

#: The one environment variable naming a local mirror of the public sets.
DATA_ENV = "SCIGLM_DATA"


@dataclass(frozen=True)
class DataSource:
    """A public data set: its upstream home (pinned) and each split's file in the mirror layout.

    ``hub_files`` maps a split to where it is inside the Hub repository: ``CONFIG/SPLIT`` (a
    config of the repository's README, ``default`` for none) or a data file path
    (``train_cn_math.json``). ``{subset}`` in it is replaced by each of ``subsets`` in turn
    (one config per subject, as in MMLU and C-Eval). ``urls`` maps a split to files at a pinned
    commit elsewhere (GitHub) for sets that are not on the Hub in their original form.
    ``adapter`` names the function of :mod:`sciglm.data.hub` that turns an upstream row into a
    row of the mirror file (the fields the loaders read).
    """

    name: str
    title: str
    #: split name → file relative to a mirror folder, in the layout the loaders read.
    splits: dict[str, str]
    hub_id: str | None = None
    #: the pinned commit: of the Hub repository, or of the GitHub repository of ``urls``.
    revision: str | None = None
    #: split name → file (or ``config/split``) inside the Hub repository, where it differs.
    hub_files: dict[str, str] = field(default_factory=dict)
    licence: str = ""
    citation: str = ""
    homepage: str = ""
    #: ``{subset}`` values of ``hub_files`` (configs/subjects), in order.
    subsets: tuple[str, ...] = ()
    #: split name → files at a pinned commit (raw URLs), read in order.
    urls: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: how an upstream row becomes a mirror row (a name in ``sciglm.data.hub.ADAPTERS``).
    adapter: str = "identity"
    #: the question loader for ``sciglm questions --source NAME`` (None: no loader).
    loader: str | None = None
    #: split name → row count of the pinned upstream (as far as known), for ``data list``.
    rows: dict[str, int] = field(default_factory=dict)
    #: what we could not check (revision, file layout); shown by ``sciglm data info``.
    note: str = ""

    @property
    def origin(self) -> str:
        """Where the set comes from, in one word: ``hub:ID``, ``github:OWNER/REPO`` or ``none``."""
        if self.hub_id:
            return f"hub:{self.hub_id}"
        if self.urls:
            first = next(iter(self.urls.values()))[0]
            parts = first.split("/")
            return f"github:{parts[3]}/{parts[4]}" if "githubusercontent" in first else first
        return "none"

    @property
    def default_split(self) -> str:
        """The split read when none is named (the first one)."""
        return next(iter(self.splits))


def _gh(repo: str, commit: str, *paths: str) -> tuple[str, ...]:
    return tuple(f"https://raw.githubusercontent.com/{repo}/{commit}/{p}" for p in paths)


MMLU_STEM = (
    "abstract_algebra", "astronomy", "college_biology", "college_chemistry",
    "college_computer_science", "college_mathematics", "college_physics", "computer_security",
    "conceptual_physics", "electrical_engineering", "elementary_mathematics",
    "high_school_biology", "high_school_chemistry", "high_school_computer_science",
    "high_school_mathematics", "high_school_physics", "high_school_statistics",
    "machine_learning")
CEVAL_STEM = (
    "computer_network", "operating_system", "computer_architecture", "college_programming",
    "college_physics", "college_chemistry", "advanced_mathematics", "probability_and_statistics",
    "discrete_mathematics", "electrical_engineer", "metrology_engineer",
    "high_school_mathematics", "high_school_physics", "high_school_chemistry",
    "high_school_biology", "middle_school_mathematics", "middle_school_biology",
    "middle_school_physics", "middle_school_chemistry", "veterinary_medicine")
#: The paper's CEval-Sci (210): C-Eval val's maths, physics and chemistry subjects.
CEVAL_MATH = frozenset({
    "advanced_mathematics", "discrete_mathematics", "probability_and_statistics",
    "high_school_mathematics", "middle_school_mathematics"})
CEVAL_SCI = CEVAL_MATH | {
    "college_physics", "high_school_physics", "middle_school_physics", "college_chemistry",
    "high_school_chemistry", "middle_school_chemistry"}
#: The paper's MMLU-Sci (1,855): MMLU test's maths, physics and chemistry subjects; its v1
#: MMLU-Math column is the five maths subjects (1,064).
MMLU_MATH = frozenset({
    "abstract_algebra", "college_mathematics", "elementary_mathematics",
    "high_school_mathematics", "high_school_statistics"})
MMLU_SCI = MMLU_MATH | {
    "college_physics", "conceptual_physics", "high_school_physics", "college_chemistry",
    "high_school_chemistry"}
#: SciBench's ten textbooks (one JSON file each upstream).
SCIBENCH_BOOKS = ("atkins", "calculus", "chemmc", "class", "diff", "fund", "matter", "quan",
                  "stat", "thermo")
#: The eight C-Eval Hard subjects (hkust-nlp/ceval README).
CEVAL_HARD = frozenset({
    "advanced_mathematics", "discrete_mathematics", "probability_and_statistics",
    "college_chemistry", "college_physics", "high_school_mathematics", "high_school_chemistry",
    "high_school_physics"})
MATH_TYPES = ("algebra", "counting_and_probability", "geometry", "intermediate_algebra",
              "number_theory", "prealgebra", "precalculus")
GAOKAO_FILES = (
    "Objective_Questions/2010-2022_Math_I_MCQs", "Objective_Questions/2010-2022_Math_II_MCQs",
    "Objective_Questions/2010-2022_Physics_MCQs", "Objective_Questions/2010-2022_Chemistry_MCQs",
    "Objective_Questions/2010-2022_Biology_MCQs",
    "Subjective_Questions/2010-2022_Math_I_Fill-in-the-Blank",
    "Subjective_Questions/2010-2022_Math_II_Fill-in-the-Blank",
    "Subjective_Questions/2010-2022_Math_I_Open-ended_Questions",
    "Subjective_Questions/2010-2022_Math_II_Open-ended_Questions",
    "Subjective_Questions/2010-2022_Physics_Open-ended_Questions",
    "Subjective_Questions/2010-2022_Chemistry_Open-ended_Questions",
    "Subjective_Questions/2010-2022_Biology_Open-ended_Questions")
SCIINSTRUCT_FILES = ("train_cn_math.json", "train_en_phy_chem.json", "train_lean.json")
_UNPINNED = "No commit sha of this Hub repository could be found from here: the newest revision " \
            "is used and recorded in the mirror's manifest at pull time."

_BUILTIN = (
    DataSource(
        "gsm8k", "GSM8K (test: the benchmark; train: questions to annotate)",
        {"test": "gsm8k/test.jsonl", "train": "gsm8k/train.jsonl"},
        hub_id="openai/gsm8k", revision="740312add88f781978c0658806c59bc2815b9866",
        hub_files={"test": "main/test", "train": "main/train"}, licence="MIT", loader="gsm8k",
        rows={"test": 1319, "train": 7473},
        citation="Cobbe et al., 2021, Training Verifiers to Solve Math Word Problems, "
                 "arXiv 2110.14168",
        homepage="https://github.com/openai/grade-school-math"),
    DataSource(
        "math", "MATH (5,000 test problems; test500 = MATH-500)",
        {"test": "math/test.jsonl", "test500": "math/test500.jsonl"},
        hub_id="EleutherAI/hendrycks_math", revision="21a5633873b6a120296cce3e2df9d5550074f4a3",
        hub_files={"test": "{subset}/test", "test500": "math500:test"},
        subsets=MATH_TYPES, adapter="math", licence="MIT", loader="math",
        rows={"test": 5000, "test500": 500},
        citation="Hendrycks et al., 2021, Measuring Mathematical Problem Solving With the MATH "
                 "Dataset, NeurIPS",
        homepage="https://github.com/hendrycks/math",
        note="Revision as pinned by third-party code (one config per subject, "
             "SUBJECT/test-00000-of-00001.parquet); not checked by us. The Hub copy has no "
             "'answer' field: it is the last \\boxed{} of the solution. Split test500 is "
             "MATH-500 (the math500 entry)."),
    DataSource(
        "math500", "MATH-500 (PRM800K's 500-problem MATH test subset)",
        {"test": "math500/test.jsonl"}, hub_id="HuggingFaceH4/MATH-500",
        revision="ff5b20257d8185524591543f8ff5993951537bb8", hub_files={"test": "test.jsonl"},
        licence="MIT", loader="math", rows={"test": 500},
        citation="Lightman et al., 2023, Let's Verify Step by Step, arXiv 2305.20050",
        homepage="https://github.com/openai/prm800k"),
    DataSource(
        "scibench", "SciBench (textbook problems)", {"test": "scibench/scibench.jsonl"},
        hub_id="xw27/scibench", hub_files={"test": "default/train"}, adapter="scibench",
        licence="MIT", loader="scibench", rows={"test": 692},
        citation="Wang et al., 2023, SciBench: Evaluating College-Level Scientific "
                 "Problem-Solving Abilities of Large Language Models, arXiv 2307.10635",
        homepage="https://github.com/mandyyyyii/scibench",
        note=_UNPINNED + " The Hub copy (config default, split train) holds 692 rows as "
                         "reported by third parties: the 580 problems of GitHub commit "
                         "e14e0ca3d3db0f02928a18d435b9c3d15656a7c5 plus the worked-solution "
                         "files, so some problems appear twice (the loader numbers repeats)."),
    DataSource(
        "scibench-2023", "SciBench as of July 2023 (583 textbook problems; the paper's column)",
        {"test": "scibench/scibench-2023.jsonl"},
        urls={"test": _gh("mandyyyyii/scibench", "8dffce46355ecc31c6265d9da561a65adbdda75d",
                          *(f"dataset/original/{b}.json" for b in SCIBENCH_BOOKS))},
        revision="8dffce46355ecc31c6265d9da561a65adbdda75d", adapter="scibench",
        licence="MIT", loader="scibench", rows={"test": 583},
        citation="Wang et al., 2023, SciBench (arXiv 2307.10635)",
        homepage="https://github.com/mandyyyyii/scibench",
        note="The problem files (no *_sol.json) at commit 8dffce4 (2023-07-21), before the "
             "May 2024 rewrite (580): 583 problems, and every SciBench value of the paper's "
             "tables (2.40 = 14/583, 3.77 = 22/583) is a whole count of them. THUDM/ReST-MCTS "
             "data/scibench/*_standardized.json holds the same books with 582 (fund 72, not "
             "73)."),
    DataSource(
        "theoremqa", "TheoremQA", {"test": "theoremqa/theoremqa.jsonl"},
        hub_id="TIGER-Lab/TheoremQA", revision="a340b1782960a712843aae3ed25f1e013cc008a5",
        hub_files={"test": "default/test"}, adapter="theoremqa", licence="MIT",
        loader="theoremqa", rows={"test": 800},
        citation="Chen et al., 2023, TheoremQA: A Theorem-driven Question Answering Dataset, "
                 "EMNLP", homepage="https://github.com/TIGER-AI-Lab/TheoremQA",
        note="Revision: the main branch on 2024-05-15 as recorded by a third party; not "
             "checked by us."),
    DataSource(
        "scieval", "SciEval (static part: valid and dev)",
        {"valid": "scieval/valid.jsonl", "dev": "scieval/dev.jsonl"},
        urls={"valid": _gh("OpenDFM/SciEval", "aa61a9dfe75f55145492517fac0b7f05220b0d72",
                           "scieval-valid.json"),
              "dev": _gh("OpenDFM/SciEval", "aa61a9dfe75f55145492517fac0b7f05220b0d72",
                         "scieval-dev.json")},
        revision="aa61a9dfe75f55145492517fac0b7f05220b0d72", licence="unstated", loader="scieval",
        rows={"valid": 1441, "dev": 70},
        citation="Sun et al., 2023, SciEval: A Multi-Level Large Language Model Evaluation "
                 "Benchmark for Scientific Research, arXiv 2308.13149",
        homepage="https://github.com/OpenDFM/SciEval",
        note="No licence is named upstream (cite the paper). Read from GitHub at a pinned "
             "commit; the Hub copy (OpenDFM/SciEval) was not checked. THUDM/SciGLM's own "
             "evaluation/SciEval/datasets/bai-scieval-valid.json (commit 685e584, blob "
             "631ff5fc) is a truncated 524,288-byte file, not valid JSON, so it cannot be "
             "the file its script read; this one is used."),
    DataSource(
        "gaokao", "GAOKAO-Bench (math, physics, chemistry, biology)",
        {"test": "gaokao-bench/gaokao_stem.jsonl"},
        urls={"test": _gh("OpenLMLab/GAOKAO-Bench", "6dbb24f8d8439041e5431c4c184a582182a6ce9c",
                          *(f"Data/{f}.json" for f in GAOKAO_FILES))},
        revision="6dbb24f8d8439041e5431c4c184a582182a6ce9c", adapter="gaokao",
        licence="Apache-2.0", loader="gaokao", rows={"test": 1354},
        citation="Zhang et al., 2023, Evaluating the Performance of Large Language Models on "
                 "GAOKAO Benchmark, arXiv 2305.12474",
        homepage="https://github.com/OpenLMLab/GAOKAO-Bench",
        note="Not on the Hub in its original form: read from GitHub at a pinned commit."),
    DataSource(
        "ceval-stem", "C-Eval (20 STEM subjects: val and dev)",
        {"val": "ceval/val.jsonl", "dev": "ceval/dev.jsonl"}, hub_id="ceval/ceval-exam",
        hub_files={"val": "{subset}/val", "dev": "{subset}/dev"}, subsets=CEVAL_STEM,
        adapter="ceval", licence="CC-BY-NC-SA-4.0", loader="ceval",
        rows={"val": 430, "dev": 100},
        citation="Huang et al., 2023, C-Eval: A Multi-Level Multi-Discipline Chinese Evaluation "
                 "Suite for Foundation Models, arXiv 2305.08322",
        homepage="https://github.com/hkust-nlp/ceval", note=_UNPINNED),
    DataSource(
        "mmlu-stem", "MMLU (18 STEM subjects: test and dev)",
        {"test": "mmlu/test.jsonl", "dev": "mmlu/dev.jsonl"}, hub_id="cais/mmlu",
        revision="c30699e8356da336a370243923dbaf21066bb9fe",
        hub_files={"test": "{subset}/test", "dev": "{subset}/dev"}, subsets=MMLU_STEM,
        adapter="mmlu", licence="MIT", loader="mmlu", rows={"test": 3018, "dev": 90},
        citation="Hendrycks et al., 2021, Measuring Massive Multitask Language Understanding, "
                 "ICLR", homepage="https://github.com/hendrycks/test"),
    DataSource(
        "mmlu-math", "MMLU-Math (MAmmoTH's MMLU mathematics, 974; the paper's MMLU-Math (MI))",
        {"test": "mmlu/mmlu-math-mi.jsonl"},
        urls={"test": _gh("TIGER-AI-Lab/MAmmoTH2", "9c67cb137b87e3c2f68ab412c6731b1f47a51b55",
                          "math_eval/dataset/mmlu/mathematics.json")},
        revision="9c67cb137b87e3c2f68ab412c6731b1f47a51b55", adapter="mmlu", licence="MIT",
        loader="mmlu", rows={"test": 974},
        citation="Hendrycks et al., 2021 (ICLR); Yue et al., 2023, MAmmoTH (arXiv 2309.05653)",
        homepage="https://github.com/TIGER-AI-Lab/MAmmoTH",
        note="MMLU test's abstract_algebra, college_mathematics, elementary_mathematics, "
             "high_school_mathematics and formal_logic as MAmmoTH ships them (answer index → "
             "letter)."),
    DataSource(
        "sat-math", "AGIEval SAT-Math", {"test": "agieval/sat-math.jsonl"},
        urls={"test": _gh("ruixiangcui/AGIEval", "5c77d073fda993f1652eaae3cf5d04cc5fd21d40",
                          "data/v1/sat-math.jsonl")},
        revision="5c77d073fda993f1652eaae3cf5d04cc5fd21d40", licence="MIT", loader="agieval",
        rows={"test": 220},
        citation="Zhong et al., 2023, AGIEval: A Human-Centric Benchmark for Evaluating "
                 "Foundation Models, arXiv 2304.06364",
        homepage="https://github.com/ruixiangcui/AGIEval",
        note="The Hub copies (hails/agieval-*) are reformatted prompts; the original file is "
             "read from GitHub at a pinned commit."),
    DataSource(
        "aqua", "AGIEval AQuA-RAT", {"test": "agieval/aqua-rat.jsonl"},
        urls={"test": _gh("ruixiangcui/AGIEval", "5c77d073fda993f1652eaae3cf5d04cc5fd21d40",
                          "data/v1/aqua-rat.jsonl")},
        revision="5c77d073fda993f1652eaae3cf5d04cc5fd21d40", licence="Apache-2.0",
        loader="agieval", rows={"test": 254},
        citation="Zhong et al., 2023, AGIEval (arXiv 2304.06364); Ling et al., 2017, Program "
                 "Induction by Rationale Generation (ACL)",
        homepage="https://github.com/ruixiangcui/AGIEval",
        note="Read from GitHub at a pinned commit (see sat-math)."),
    DataSource(
        "mathematics", "DeepMind Mathematics (MAmmoTH's 1,000-question sample)",
        {"test": "deepmind-mathematics/test.jsonl"},
        urls={"test": _gh("TIGER-AI-Lab/MAmmoTH2", "9c67cb137b87e3c2f68ab412c6731b1f47a51b55",
                          "math_eval/dataset/deepmind/deepmind.json")},
        revision="9c67cb137b87e3c2f68ab412c6731b1f47a51b55", adapter="mathematics", licence="MIT",
        loader="mathematics", rows={"test": 1000},
        citation="Saxton et al., 2019, Analysing Mathematical Reasoning Abilities of Neural "
                 "Models, ICLR", homepage="https://github.com/google-deepmind/mathematics_dataset",
        note="MIT for the sample (MAmmoTH2), Apache-2.0 for DeepMind's generator. "
             "The Hub's deepmind/math_dataset is a loading script (unsupported by datasets>=4) "
             "and not this sample; read from GitHub at a pinned commit."),
    DataSource(
        "minif2f", "miniF2F in Lean 4 (test and valid)", {"test": "minif2f-lean4/minif2f.jsonl"},
        licence="MIT", loader="minif2f", rows={"test": 488},
        citation="Zheng et al., 2021, miniF2F: a cross-system benchmark for formal "
                 "Olympiad-level mathematics, arXiv 2109.00110",
        homepage="https://github.com/yangky11/miniF2F-lean4",
        note="No automatic download: upstream keeps one .lean file per theorem (commit "
             "5746b7d6c47855ce1294bed87329618ff7f1bc31) and no Hub copy in this layout was "
             "found; put minif2f.jsonl in a mirror (--data-dir / $SCIGLM_DATA)."),
    DataSource(
        "sciinstruct", "SciInstruct (the SciGLM training set)",
        {f.removesuffix(".json").removeprefix("train_"): f"sciinstruct/{f}"
         for f in SCIINSTRUCT_FILES},
        hub_id="zd21/SciInstruct", revision="098a7e88a9385dd170f78ed9edbce2c1b130cf81",
        hub_files={f.removesuffix(".json").removeprefix("train_"): f for f in SCIINSTRUCT_FILES},
        adapter="sciinstruct", licence="CC-BY-4.0",
        citation="Zhang et al., 2024, SciInstruct: a Self-Reflective Instruction Annotated "
                 "Dataset for Training Scientific Language Models, arXiv 2401.07950",
        homepage="https://github.com/THUDM/SciGLM",
        note="Revision as pinned by third-party code; the files are JSON lines named .json."),
    DataSource(
        "sciglm-quality", "SciGLM instruction-quality classifier labels",
        {"valid": "sciglm-quality/rm_valid.jsonl", "test": "sciglm-quality/rm_test.jsonl",
         "train": "sciglm-quality/rm_train.jsonl"},
        urls={s: _gh("THUDM/SciGLM", "685e5848da0a31d5976313fef7df3afd2074ce56",
                     f"self_reflective_annotation/data_classifier/data/rm_{s}.json")
              for s in ("valid", "test", "train")},
        revision="685e5848da0a31d5976313fef7df3afd2074ce56", adapter="quality", licence="unstated",
        rows={"valid": 1414, "test": 942},
        citation="Zhang et al., 2024, SciGLM (arXiv 2401.07950)",
        homepage="https://github.com/THUDM/SciGLM",
        note="Not on the Hub: read from GitHub at a pinned commit. No licence file upstream; "
             "its README says the data is released for public use."),
)

#: The built-in catalogue; benchmarks registered by plugins add their own.
CATALOG: dict[str, DataSource] = {s.name: s for s in _BUILTIN}


def register_source(source: DataSource) -> None:
    """Add a plugin's data source; a name already taken by another source is an error."""
    if source.name in CATALOG and CATALOG[source.name] != source:
        raise SciglmError(f"data set {source.name!r} is already in the catalogue")
    CATALOG[source.name] = source


def data_dir_from_env() -> Path | None:
    """``$SCIGLM_DATA`` when set (a local mirror of the public sets), else ``None``."""
    value = os.environ.get(DATA_ENV)
    return Path(value).expanduser() if value else None


def mirror_dir(data_dir: str | Path | None = None) -> Path | None:
    """The mirror a command reads: ``--data-dir`` when given, else ``$SCIGLM_DATA``, else none."""
    return Path(data_dir).expanduser() if data_dir else data_dir_from_env()


def data_roots(data_dir: str | Path | None = None) -> list[tuple[str, Path]]:
    """Where every command reads the public sets, in order (the one data location rule):
    ``("mirror", DIR)`` for ``--data-dir`` (else ``$SCIGLM_DATA``) when there is one, then
    ``("cache", DIR)``: sciglm's cache, ``$HF_HOME/sciglm/data``, which ``sciglm data pull``
    fills. ``eval``, ``questions``, ``filter``/``mix`` decontamination and ``doctor`` use it."""
    from sciglm.data.hub import cache_root

    mirror = mirror_dir(data_dir)
    return ([("mirror", mirror)] if mirror is not None else []) + [("cache", cache_root())]


def find_data_file(relative: str, data_dir: str | Path | None = None) -> Path | None:
    """The first file ``relative`` (mirror layout, e.g. ``gsm8k/test.jsonl``) found under
    :func:`data_roots`; ``None`` when no root has it. Never downloads."""
    for _kind, root in data_roots(data_dir):
        if (root / relative).is_file():
            return root / relative
    return None


def get_source(name: str) -> DataSource:
    """The catalogue entry called ``name`` (an alias of :mod:`sciglm.catalog.names`, the name
    of a benchmark whose file it holds, or a Hub id ``hf:ID`` / ``ID``); a clear error naming
    the known ones otherwise."""
    from sciglm import registry
    from sciglm.catalog.names import canonical

    given, name = name, canonical(name)
    if name in CATALOG:
        return CATALOG[name]
    bench = registry.benchmarks().get(name)
    if bench is not None and bench.source is not None:
        return bench.source
    hub_id = name.removeprefix("hf:")
    for source in CATALOG.values():
        if source.hub_id and source.hub_id.lower() == hub_id.lower():
            return source
    known = ", ".join(sorted(set(CATALOG) | set(registry.benchmarks()))) or "none"
    raise SciglmError(f"unknown data set {given!r} (known: {known})")


def is_source_name(spec: str) -> bool:
    """Whether ``spec`` names a catalogue entry (``gsm8k``, ``hf:zd21/SciInstruct``)."""
    try:
        get_source(spec)
    except SciglmError:
        return False
    return True


def local_file(source: DataSource, split: str, data_dir: Path | None = None,
               download: bool = True) -> Path:
    """The file of ``split`` of ``source`` in the mirror layout.

    Looked up where :func:`data_roots` says (``data_dir``, else ``$SCIGLM_DATA``, then the
    cache ``$HF_HOME/sciglm/data``); when in none of them it is downloaded into the cache
    (``download``), or a one-line error names the set, its Hub id and ``sciglm data pull``.
    """
    if split not in source.splits:
        raise SciglmError(
            f"{source.name}: no split {split!r} (known: {', '.join(source.splits)})"
        )
    relative = source.splits[split]
    mirror = mirror_dir(data_dir)
    if mirror is not None and (mirror / relative).is_file():
        return mirror / relative
    from sciglm.data import hub

    return hub.cached_file(source, split, download=download, looked_in=mirror)


def training_files(spec: str, data_dir: Path | None = None) -> list[Path]:
    """Every split file of a training set named ``spec`` (``sciinstruct``,
    ``hf:zd21/SciInstruct``), fetched or found as :func:`local_file` does."""
    source = get_source(spec)
    return [local_file(source, split, data_dir) for split in source.splits]


def training_records(spec: str, data_dir: Path | None = None) -> list[tuple[str, dict]]:
    """``(where, record)`` for every record of a training set named ``spec``, from its files
    as released (a JSON array or JSON lines); ``where`` is ``file[row N]`` for errors."""
    from sciglm.data.hub import read_json_records

    return [(f"{path}[row {number}]", record) for path in training_files(spec, data_dir)
            for number, record in enumerate(read_json_records(path), start=1)]
