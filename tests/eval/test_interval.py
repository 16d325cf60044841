"""The eval table shows n and the Wilson interval of small runs; ``--json`` (the report's
``to_dict``) carries the ``timing`` block the docs promise, as ``results.json`` does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciglm.eval import benchmarks as bm
from sciglm.eval.interval import wilson
from sciglm.eval.runner import run_eval
from tests.eval.test_runner import N, ScriptedModel, bench, options  # noqa: F401 - fixture


def test_wilson_matches_the_textbook_values() -> None:
    assert wilson(5, 10) == pytest.approx((23.66, 76.34), abs=0.01)
    assert wilson(0, 10) == pytest.approx((0.0, 27.75), abs=0.01)
    assert wilson(10, 10) == pytest.approx((72.25, 100.0), abs=0.01)
    assert wilson(0, 0) == (0.0, 100.0)


def test_table_shows_n_and_interval_and_json_has_timing(bench: bm.Benchmark,  # noqa: F811
                                                        tmp_path: Path) -> None:
    out = tmp_path / "run"
    report = run_eval(ScriptedModel(), [bench], out, None, options())
    columns, rows = report.summary_table()
    assert rows[0][:2] == ["scripted", "50.0"]
    assert rows[-2][:2] == ["n", str(N)] and rows[-1][:2] == ["95% CI", "23.7–76.3"]
    data = report.to_dict()  # what `sciglm eval --json` prints
    assert data["timing"]["generated_items"] == N and data["timing"]["generate_seconds"] >= 0
    assert data["benchmarks"]["sums"]["ci95"] == [23.66, 76.34]
    assert json.loads((out / "results.json").read_text())["timing"] == data["timing"]
    resumed = run_eval(ScriptedModel(), [bench], out, None, options())
    assert "timing" not in resumed.to_dict()  # nothing generated this time
