"""The SciGLM paper's reported scores, printed beside a run's with ``--compare``.

Numbers are copied from the results tables the authors published in the THUDM/SciGLM README
(the images ``assets/Sci_Results.png`` and ``assets/Math_Results.png``) for the two 6B rows,
ChatGLM3-6B-Base and SciGLM (ChatGLM3-6B-Base). Each column is keyed by the benchmark that
scores the paper's own question set (``ceval-sci`` = its 210 questions, ``scibench-2023`` its
583); a ``†`` marks a score the authors measured themselves (their footnote), the others they
quote from elsewhere. The weighted averages (Avg. Sci, Avg. Math, Avg. {Sci+Math}) are copied
as printed: the paper does not give their weights, so a run gets no such cell.

- ``sciglm-paper``: Tables 3 and 4 of the README at commit 50083f4 (2024-02-22), the version
  that adds GSM8K and SciBench (arXiv 2401.07950 v2, 12 Mar 2024, has these columns).
- ``sciglm-paper-v1``: Tables 5 and 6 of the README at commit 71e4c58 (2024-01-17, two days
  after arXiv v1): no GSM8K or SciBench; different SciGLM numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sciglm.errors import SciglmError


@dataclass(frozen=True)
class PaperRow:
    """One model's reported scores: benchmark name → (accuracy %, measured by the authors),
    and the table's weighted averages as printed (label → %)."""

    model: str
    scores: dict[str, tuple[float, bool]]
    averages: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PaperTable:
    """Rows from one version of the paper, with where they were read."""

    name: str
    citation: str
    protocol: str
    rows: list[PaperRow] = field(default_factory=list)
    #: benchmark → how the paper's column relates to sciglm's benchmark of that name.
    notes: dict[str, str] = field(default_factory=dict)
    #: The paper's columns in its order: benchmark name → the paper's column title.
    columns: dict[str, str] = field(default_factory=dict)
    #: The labels of its weighted-average columns, in order.
    averages: tuple[str, ...] = ()

    def cell(self, row: PaperRow, benchmark: str) -> str:
        """``51.97`` / ``45.40†``; empty where the paper has no such column."""
        if benchmark not in row.scores:
            return ""
        value, measured = row.scores[benchmark]
        return f"{value:.2f}{'†' if measured else ''}"

    def average_cells(self, row: PaperRow) -> list[str]:
        """The row's weighted averages as printed, one per :attr:`averages` label."""
        return [f"{row.averages[label]:.2f}" if label in row.averages else ""
                for label in self.averages]


_NOTES = {
    "math": "the paper's MATH column is MAmmoTH's evaluation on the full 5,000-question test "
            "(25.38 = 1,269/5,000): under --protocol sciglm and --compare sciglm scores all "
            "5,000, else MATH-500",
    "scibench-2023": "the paper's SciBench column: every value is a whole count of these 583 "
                     "problems (mandyyyyii/scibench at 8dffce4, July 2023); sciglm's scibench "
                     "is the current 580 (or the Hub's 692)",
    "scieval": "the paper's SciEval 62.09 is no whole count of the 1,441 valid questions "
               "(61.69 = 889/1,441, 61.49 = 886/1,441 are); 62.09 fits k/4,323 (3 x 1,441), "
               "e.g. a mean of three runs: unknown. THUDM/SciGLM's own "
               "evaluation/SciEval/datasets/bai-scieval-valid.json is a truncated "
               "524,288-byte file, not valid JSON, so OpenDFM's scieval-valid.json is used",
    "sat-math": "SciGLM's SAT-Math 65.46 is no whole count of 220 (144/220 = 65.45); every "
                "other SAT-Math value is",
    "mathematics": "assumed to be MAmmoTH's 1,000-question DeepMind Mathematics sample "
                   "(every value is a whole count of 1,000)",
}

_PROTOCOL = ("as the paper states it (its released code covers SciEval only: zero-shot, greedy, "
             "512 tokens; see docs/fidelity.md); † = measured by the authors")

#: The paper's column titles (Tables 3-4; v1 Tables 5-6) → sciglm's benchmark of that set.
_SCI = {"ceval-hard": "CEval-Hard", "ceval-sci": "CEval-Sci", "mmlu-sci": "MMLU-Sci",
        "scieval": "SciEval"}
_MATH = {"math": "MATH", "mathematics": "Mathematics", "sat-math": "SAT-Math",
         "mmlu-math": "MMLU-Math (MI)", "ceval-math": "CEval-Math"}
_AVERAGES = ("Avg. Sci", "Avg. Math", "Avg. {Sci+Math}")

TABLES: dict[str, PaperTable] = {
    t.name: t
    for t in (
        PaperTable(
            "sciglm-paper",
            "SciGLM (arXiv 2401.07950), Tables 3-4 as published in THUDM/SciGLM README "
            "(assets/Sci_Results.png, assets/Math_Results.png) at commit 50083f4, 2024-02-22",
            _PROTOCOL,
            [
                PaperRow("ChatGLM3-6B-Base (paper)", {
                    "ceval-hard": (45.40, True), "ceval-sci": (54.29, True),
                    "mmlu-sci": (40.16, True), "scieval": (61.69, True),
                    "scibench-2023": (2.40, True), "gsm8k": (72.93, False),
                    "math": (25.38, True), "mathematics": (29.30, True),
                    "sat-math": (55.91, True), "mmlu-math": (31.83, True),
                    "ceval-math": (40.00, True),
                }, {"Avg. Sci": 40.79, "Avg. Math": 42.56, "Avg. {Sci+Math}": 41.67}),
                PaperRow("SciGLM-6B (paper)", {
                    "ceval-hard": (51.97, False), "ceval-sci": (60.00, False),
                    "mmlu-sci": (41.40, False), "scieval": (62.09, False),
                    "scibench-2023": (3.77, False), "gsm8k": (73.62, False),
                    "math": (25.18, False), "mathematics": (31.80, False),
                    "sat-math": (65.46, False), "mmlu-math": (49.38, False),
                    "ceval-math": (50.00, False),
                }, {"Avg. Sci": 43.85, "Avg. Math": 49.24, "Avg. {Sci+Math}": 46.54}),
            ],
            _NOTES,
            _SCI | {"scibench-2023": "SciBench", "gsm8k": "GSM8K"} | _MATH
            | {"mmlu-math": "MMLU-Math"},
            _AVERAGES,
        ),
        PaperTable(
            "sciglm-paper-v1",
            "SciGLM (arXiv 2401.07950 v1), Tables 5-6 as published in THUDM/SciGLM README "
            "(assets/Sci_Results.png, assets/Math_Results.png) at commit 71e4c58, 2024-01-17",
            _PROTOCOL,
            [
                PaperRow("ChatGLM3-6B-Base (paper v1)", {
                    "ceval-hard": (45.40, True), "ceval-sci": (54.29, True),
                    "mmlu-sci": (40.16, True), "scieval": (61.69, True), "math": (25.38, True),
                    "mathematics": (29.30, True), "sat-math": (55.91, True),
                    "mmlu-math": (31.83, True), "ceval-math": (40.00, True),
                    "mmlu-math-v1": (34.96, True),
                }, {"Avg. Sci": 50.38, "Avg. Math": 36.23, "Avg. {Sci+Math}": 41.89}),
                PaperRow("SciGLM-6B (paper v1)", {
                    "ceval-hard": (50.66, False), "ceval-sci": (59.05, False),
                    "mmlu-sci": (42.32, False), "scieval": (61.49, False),
                    "math": (24.42, False), "mathematics": (29.70, False),
                    "sat-math": (64.09, False), "mmlu-math": (49.90, False),
                    "ceval-math": (47.78, False), "mmlu-math-v1": (38.53, False),
                }, {"Avg. Sci": 53.38, "Avg. Math": 42.40, "Avg. {Sci+Math}": 46.79}),
            ],
            _NOTES,
            _SCI | _MATH | {"mmlu-math-v1": "MMLU-Math"},
            _AVERAGES,
        ),
    )
}


def get_table(name: str) -> PaperTable:
    """The paper table called ``name``; a one-line error naming the known ones otherwise."""
    if name not in TABLES:
        raise SciglmError(f"unknown --compare table {name!r} (known: {', '.join(TABLES)})")
    return TABLES[name]
