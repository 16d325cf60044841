"""The paper's reported rows: cells only where the paper has the column, cited, and consistent
with the question counts of the splits sciglm scores (evidence the splits are the paper's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sciglm import registry
from sciglm.errors import SciglmError
from sciglm.eval import benchmarks as bm
from sciglm.eval.paper import TABLES, get_table


def test_unknown_table_lists_the_known_ones() -> None:
    with pytest.raises(SciglmError, match=r"unknown --compare table 'glm' \(known: "
                                          r"sciglm-paper, sciglm-paper-v1\)"):
        get_table("glm")


def test_every_column_is_a_registered_benchmark() -> None:
    known = set(registry.benchmarks())
    for table in TABLES.values():
        assert len(table.rows) == 2 and table.citation and table.protocol
        for row in table.rows:
            assert set(row.scores) <= known
        assert set(table.notes) == {"math", "mmlu-sci", "ceval", "mathematics"}


def test_cells() -> None:
    table = get_table("sciglm-paper")
    base, sciglm = table.rows
    assert (table.cell(base, "ceval-hard"), table.cell(sciglm, "ceval-hard")) == ("45.40†", "51.97")
    assert table.cell(sciglm, "aqua") == "" and table.cell(sciglm, "theoremqa") == ""
    v1 = get_table("sciglm-paper-v1")
    assert "gsm8k" not in v1.rows[1].scores and v1.cell(v1.rows[1], "ceval-hard") == "50.66"


@pytest.mark.parametrize(
    ("table", "benchmark"),
    [("sciglm-paper", "ceval-hard"), ("sciglm-paper", "sat-math"),
     ("sciglm-paper", "mathematics"), ("sciglm-paper-v1", "ceval-hard"),
     ("sciglm-paper-v1", "sat-math"), ("sciglm-paper-v1", "mathematics")],
)
def test_reported_accuracies_are_whole_counts_of_our_splits(shared_data: Path, table: str,
                                                            benchmark: str) -> None:
    """E.g. SciGLM's CEval-Hard 51.97 = 79 of the 152 C-Eval Hard val questions."""
    bench = registry.get_benchmark(benchmark)
    n = len(bm.load(bench, bm.resolve(bench, shared_data)))
    for row in get_table(table).rows:
        accuracy = row.scores[benchmark][0]
        correct = round(accuracy * n / 100)
        assert abs(100 * correct / n - accuracy) < 0.006, (row.model, benchmark, n)
