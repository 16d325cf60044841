"""``run_eval`` end to end with the real verifiers and a scripted stand-in for the model:
scores, per-item predictions with reasons, result files, resume after an interruption, the
paper's protocol through raw completions, and the paper's rows beside the scores."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from sciglm import registry
from sciglm.errors import SciglmError
from sciglm.eval import benchmarks as bm
from sciglm.eval.runner import EvalOptions, run_eval
from sciglm.generation.base import GenParams
from sciglm.records import Message

N = 10


class ScriptedModel:
    """Answers "What is i plus i?" correctly for even i, wrongly for odd i."""

    label = "scripted"

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.generated: list[str] = []
        self.completed: list[str] = []
        self.calls = 0
        self.fail_on_call = fail_on_call

    def complete_text(self, prompts: Sequence[str], params: GenParams,
                      on_batch: object = None) -> list[str]:
        """Raw completions: the prompt text must be SciGLM's round; answers like generate."""
        self.completed.extend(prompts)
        return self.generate([[{"role": "user", "content": p.split("问：")[1]}] for p in prompts],
                             params)

    def generate(self, conversations: Sequence[list[Message]], params: GenParams,
                 on_batch: object = None) -> list[str]:
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise KeyboardInterrupt
        replies = []
        for messages in conversations:
            question = messages[-1]["content"]
            i = int(question.split()[2])
            self.generated.append(question.split("\n")[0])
            replies.append(f"{i} plus {i} is \\boxed{{{2 * i if i % 2 == 0 else 2 * i + 1}}}.")
        return replies

    def stream(self, messages: list[Message], params: GenParams,
               stop: threading.Event) -> Iterator[str]:
        raise NotImplementedError

    def close(self) -> None:
        pass


@pytest.fixture
def bench(tmp_path: Path) -> bm.Benchmark:
    path = tmp_path / "sums.jsonl"
    path.write_text("".join(
        json.dumps({"id": f"s{i}", "question": f"What is {i} plus {i}?", "reference": str(2 * i)})
        + "\n" for i in range(N)))
    return bm.parse_benchmarks([f"sums={path}:math"])[0]


def options(**changes: object) -> EvalOptions:
    values: dict[str, object] = {"chunk": 4, "workers": 1}
    values.update(changes)
    return EvalOptions(**values)  # type: ignore[arg-type]


def predictions(folder: Path) -> list[dict]:
    path = folder / "predictions" / "sums.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_scores_predictions_and_result_files(bench: bm.Benchmark, tmp_path: Path) -> None:
    out = tmp_path / "run"
    report = run_eval(ScriptedModel(), [bench], out, None, options())
    assert (report.benchmarks[0].total.n, report.benchmarks[0].total.correct) == (N, 5)
    records = predictions(out)
    assert [r["id"] for r in records] == [f"s{i}" for i in range(N)]
    for r in records:
        i = int(r["id"][1:])
        assert r["correct"] is (i % 2 == 0)
        assert r["predicted"] == str(2 * i if i % 2 == 0 else 2 * i + 1)
        assert r["reason"]  # the verifier says why
    results = json.loads((out / "results.json").read_text())
    assert results["benchmarks"]["sums"]["accuracy"] == 50.0
    assert results["benchmarks"]["sums"]["subjects"]["math"]["correct"] == 5
    assert "| scripted | 50.0 | 50.0 |" in (out / "results.md").read_text()
    assert json.loads((out / "run.json").read_text())["benchmarks"] == ["sums"]


def test_interrupted_run_resumes_by_id(bench: bm.Benchmark, tmp_path: Path) -> None:
    out = tmp_path / "run"
    broken = ScriptedModel(fail_on_call=2)
    with pytest.raises(KeyboardInterrupt):
        run_eval(broken, [bench], out, None, options())
    assert [r["id"] for r in predictions(out)] == ["s0", "s1", "s2", "s3"]  # chunk 1 kept
    resumed = ScriptedModel()
    report = run_eval(resumed, [bench], out, None, options())
    assert resumed.generated == [f"What is {i} plus {i}?" for i in range(4, N)]
    assert report.benchmarks[0].total.correct == 5
    assert sorted(r["id"] for r in predictions(out)) == sorted(f"s{i}" for i in range(N))


def test_a_torn_last_line_is_repaired(bench: bm.Benchmark, tmp_path: Path) -> None:
    out = tmp_path / "run"
    run_eval(ScriptedModel(), [bench], out, None, options(limit=3))
    path = out / "predictions" / "sums.jsonl"
    path.write_text(path.read_text() + '{"id": "s3", "corr')  # killed mid-write
    again = ScriptedModel()
    report = run_eval(again, [bench], out, None, options(limit=5))
    assert again.generated == ["What is 3 plus 3?", "What is 4 plus 4?"]
    assert report.benchmarks[0].total.n == 5


def test_changed_settings_need_a_new_folder_or_overwrite(bench: bm.Benchmark,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "run"
    run_eval(ScriptedModel(), [bench], out, None, options(limit=2))
    with pytest.raises(SciglmError, match="holds a run with other settings .*max_tokens"):
        run_eval(ScriptedModel(), [bench], out, None,
                 options(limit=2, params=GenParams(max_tokens=9)))
    fresh = ScriptedModel()
    run_eval(fresh, [bench], out, None,
             options(limit=2, params=GenParams(max_tokens=9), overwrite=True))
    assert len(fresh.generated) == 2


def test_few_shot_exemplars_come_from_the_file_tail(bench: bm.Benchmark, tmp_path: Path) -> None:
    model = ScriptedModel()
    report = run_eval(model, [bench], tmp_path / "run", None, options(shots=2))
    assert report.benchmarks[0].total.n == N - 2  # the last two became exemplars
    assert "What is 9 plus 9?" not in model.generated


def test_scieval_exemplars_come_from_its_dev_split(shared_data: Path) -> None:
    from sciglm.eval.runner import _plan

    scieval = registry.get_benchmark("scieval")
    selected, exemplars = _plan(scieval, shared_data, options(shots=2, limit=5))
    assert len(selected) == 5
    dev = {q.id for q in bm.load(scieval, shared_data / "scieval" / "dev.jsonl")}
    for question in selected:
        shots = exemplars[question.id]
        assert len(shots) == 2 and {s.id for s in shots} <= dev
        assert all(s.subject == question.subject for s in shots)
        assert all(s.meta.get("type") == question.meta.get("type") for s in shots)


def test_sciglm_protocol_sends_the_training_prompt_as_raw_text(bench: bm.Benchmark,
                                                                 tmp_path: Path) -> None:
    model = ScriptedModel()
    out = tmp_path / "run"
    report = run_eval(model, [bench], out, None,
                      options(protocol="sciglm", prompt_format="sciglm", limit=4))
    assert model.completed == [f"[Round 1]\n\n问：What is {i} plus {i}?\n\n答："
                               for i in range(4)]
    assert report.benchmarks[0].total.correct == 2
    run = json.loads((out / "run.json").read_text())
    assert (run["protocol"], run["prompt_format"]) == ("sciglm", "sciglm")
    with pytest.raises(SciglmError, match="protocol: 'sciglm' → 'cot'"):
        run_eval(ScriptedModel(), [bench], out, None, options(limit=4))


def test_unknown_protocol_stops_before_anything_runs(bench: bm.Benchmark, tmp_path: Path) -> None:
    with pytest.raises(SciglmError, match="unknown protocol 'paper'"):
        run_eval(ScriptedModel(), [bench], tmp_path / "run", None, options(protocol="paper"))
    assert not (tmp_path / "run").exists()


def test_paper_rows_beside_the_scores(shared_data: Path, tmp_path: Path) -> None:
    class LetterB(ScriptedModel):
        def generate(self, conversations, params, on_batch=None):  # noqa: ANN001, ANN201
            return ["B"] * len(conversations)

    benches = bm.parse_benchmarks(["sat-math,aqua"])
    out = tmp_path / "run"
    report = run_eval(LetterB(), benches, out, shared_data,
                      options(limit=6, protocol="sciglm", prompt_format="chat",
                              compare="sciglm-paper"))
    columns, rows = report.summary_table()
    assert columns == ["Model", "SAT-Math", "AQuA", "CEval-Hard", "CEval-Sci", "MMLU-Sci",
                       "SciEval", "SciBench", "GSM8K", "MATH", "Mathematics", "MMLU-Math",
                       "CEval-Math", "Avg.", "Avg. Sci", "Avg. Math", "Avg. {Sci+Math}"]
    assert rows[0][3:13] == ["not run"] * 10  # every paper column, scored or not
    assert rows[1][:4] == ["ChatGLM3-6B-Base (paper)", "55.91†", "", "45.40†"]  # no AQuA
    assert rows[2][-5:] == ["50.00", "", "43.85", "49.24", "46.54"]
    markdown = (out / "results.md").read_text()
    assert "| SciGLM-6B (paper) | 65.46 |  | 51.97 | 60.00 |" in markdown
    assert "No paper number for: AQuA" in markdown and "commit 50083f4" in markdown
    assert "Paper columns not run: ceval-hard, ceval-sci" in markdown
    results = json.loads((out / "results.json").read_text())
    paper = results["compare"]["rows"]["SciGLM-6B (paper)"]
    assert paper["sat-math"] == 65.46 and paper["mmlu-math"] == 49.38
    assert paper["Avg. {Sci+Math}"] == 46.54 and "sat-math" not in results["compare"]["not_run"]
    records = predictions_of(out, "sat-math")
    expected = [r["reference"] == "B" for r in records]
    assert [r["correct"] for r in records] == expected and any(expected)


def predictions_of(folder: Path, name: str) -> list[dict]:
    path = folder / "predictions" / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize(("protocol", "compare", "split", "count"),
                         [("cot", None, "test500", 500), ("sciglm", None, "test", 5000),
                          ("cot", "sciglm-paper", "test", 5000)])
def test_math_is_the_full_test_set_under_the_paper(shared_data: Path, tmp_path: Path,
                                                   protocol: str, compare: str | None,
                                                   split: str, count: int) -> None:
    """The paper's MATH column is the 5,000-question test (25.38 = 1,269/5,000)."""
    from sciglm.eval.runner import _plan

    math = registry.get_benchmark("math")
    chosen = options(protocol=protocol, compare=compare, limit=None)
    assert len(_plan(math, shared_data, chosen)[0]) == count
    class Zero(ScriptedModel):
        def generate(self, conversations, params, on_batch=None):  # noqa: ANN001, ANN201
            return ["\\boxed{0}"] * len(conversations)

    run_eval(Zero(), [math], tmp_path / "run", shared_data,
             options(protocol=protocol, compare=compare, limit=1, prompt_format="chat"))
    assert json.loads((tmp_path / "run" / "run.json").read_text())["splits"] == {"math": split}


def test_scieval_is_reported_by_category_and_ability(shared_data: Path, tmp_path: Path) -> None:
    """As ``evaluate_SciEval.py`` prints it: each category, and category × ability."""

    class LetterA(ScriptedModel):
        sizes: list[int]

        def complete_text(self, prompts, params, on_batch=None):  # noqa: ANN001, ANN201
            self.sizes = [*getattr(self, "sizes", []), len(prompts)]
            return ["A"] * len(prompts)

        def generate(self, conversations, params, on_batch=None):  # noqa: ANN001, ANN201
            self.sizes = [*getattr(self, "sizes", []), len(conversations)]
            return ["A"] * len(conversations)

    scieval = registry.get_benchmark("scieval")
    model = LetterA()
    report = run_eval(model, [scieval], tmp_path / "run", shared_data,
                      options(limit=None, protocol="sciglm", chunk=512))
    assert set(model.sizes) == {1}  # one prompt at a time, as the original script: no padding
    records = predictions_of(tmp_path / "run", "scieval")
    cells = report.benchmarks[0].subjects
    questions = {q.id: q for q in bm.load(scieval, bm.resolve(scieval, shared_data))}
    for record in records:
        question = questions[record["id"]]
        assert record["cells"] == [question.subject,
                                   f"{question.subject} / {question.meta['ability']}"]
    for category in {r["subject"] for r in records}:
        inside = [r for r in records if r["subject"] == category]
        assert cells[category].n == len(inside)
        by_ability = [t for name, t in cells.items() if name.startswith(f"{category} / ")]
        assert sum(t.n for t in by_ability) == len(inside) and len(by_ability) >= 1
        assert sum(t.correct for t in by_ability) == sum(r["correct"] is True for r in inside)
    assert len(records) == 1441 and len([c for c in cells if " / " in c]) >= 6


def test_other_protocols_generate_in_batches(shared_data: Path, tmp_path: Path) -> None:
    class Sizes(ScriptedModel):
        def generate(self, conversations, params, on_batch=None):  # noqa: ANN001, ANN201
            self.completed.append(str(len(conversations)))
            return ["A"] * len(conversations)

    model = Sizes()
    run_eval(model, [registry.get_benchmark("scieval")], tmp_path / "run", shared_data,
             options(limit=8, protocol="cot", chunk=4))
    assert model.completed == ["4", "4"]
