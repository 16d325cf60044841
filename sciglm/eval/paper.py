"""The SciGLM paper's reported scores, printed beside a run's with ``--compare``.

Numbers are copied from the results tables the authors published in the THUDM/SciGLM README
(the images ``assets/Sci_Results.png`` and ``assets/Math_Results.png``) for the two 6B rows,
ChatGLM3-6B-Base and SciGLM (ChatGLM3-6B-Base). A cell is filled only where the table has
that benchmark; a ``†`` marks a score the authors measured themselves (their footnote), the
others they quote from elsewhere. The paper's averages are over its own column sets and
weights, so they are not shown beside a run's average.

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
    """One model's reported scores: benchmark name → (accuracy %, measured by the authors)."""

    model: str
    scores: dict[str, tuple[float, bool]]


@dataclass(frozen=True)
class PaperTable:
    """Rows from one version of the paper, with where they were read."""

    name: str
    citation: str
    protocol: str
    rows: list[PaperRow] = field(default_factory=list)
    #: benchmark → how the paper's column differs from sciglm's benchmark of that name.
    notes: dict[str, str] = field(default_factory=dict)

    def cell(self, row: PaperRow, benchmark: str) -> str:
        """``51.97`` / ``45.40†``; empty where the paper has no such column."""
        if benchmark not in row.scores:
            return ""
        value, measured = row.scores[benchmark]
        return f"{value:.2f}{'†' if measured else ''}"


_NOTES = {
    "math": "the paper's MATH column follows MAmmoTH's evaluation (the 5,000-question test); "
            "sciglm's math is MATH-500 unless mapped: --benchmark math=DATA/math/test.jsonl",
    "mmlu-sci": "the paper does not list its MMLU-Sci subjects; sciglm uses MMLU's 18 STEM "
                "subjects (3,018 questions)",
    "ceval": "the paper's CEval-Sci; sciglm scores the 430 val questions of C-Eval's 20 STEM "
             "subjects (its test answers are not public)",
    "mathematics": "assumed to be MAmmoTH's 1,000-question DeepMind Mathematics sample",
}

_PROTOCOL = ("as the paper states it (its released code covers SciEval only: zero-shot, greedy, "
             "512 tokens; see docs/fidelity.md); † = measured by the authors")

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
                    "ceval-hard": (45.40, True), "ceval": (54.29, True),
                    "mmlu-sci": (40.16, True), "scieval": (61.69, True),
                    "scibench": (2.40, True), "gsm8k": (72.93, False), "math": (25.38, True),
                    "mathematics": (29.30, True), "sat-math": (55.91, True),
                }),
                PaperRow("SciGLM-6B (paper)", {
                    "ceval-hard": (51.97, False), "ceval": (60.00, False),
                    "mmlu-sci": (41.40, False), "scieval": (62.09, False),
                    "scibench": (3.77, False), "gsm8k": (73.62, False), "math": (25.18, False),
                    "mathematics": (31.80, False), "sat-math": (65.46, False),
                }),
            ],
            _NOTES,
        ),
        PaperTable(
            "sciglm-paper-v1",
            "SciGLM (arXiv 2401.07950 v1), Tables 5-6 as published in THUDM/SciGLM README "
            "(assets/Sci_Results.png, assets/Math_Results.png) at commit 71e4c58, 2024-01-17",
            _PROTOCOL,
            [
                PaperRow("ChatGLM3-6B-Base (paper v1)", {
                    "ceval-hard": (45.40, True), "ceval": (54.29, True),
                    "mmlu-sci": (40.16, True), "scieval": (61.69, True), "math": (25.38, True),
                    "mathematics": (29.30, True), "sat-math": (55.91, True),
                }),
                PaperRow("SciGLM-6B (paper v1)", {
                    "ceval-hard": (50.66, False), "ceval": (59.05, False),
                    "mmlu-sci": (42.32, False), "scieval": (61.49, False),
                    "math": (24.42, False), "mathematics": (29.70, False),
                    "sat-math": (64.09, False),
                }),
            ],
            _NOTES,
        ),
    )
}


def get_table(name: str) -> PaperTable:
    """The paper table called ``name``; a one-line error naming the known ones otherwise."""
    if name not in TABLES:
        raise SciglmError(f"unknown --compare table {name!r} (known: {', '.join(TABLES)})")
    return TABLES[name]
