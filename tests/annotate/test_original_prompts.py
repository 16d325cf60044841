"""``annotate --original-prompts``: THUDM/SciGLM's own prompts and parsing, through the real
runner, pool and a loopback teacher (one Chinese user turn, the reference inside the reflection
prompt, lines joined, the text after the last 正确解答： kept, no hint stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sciglm.annotate import original
from sciglm.endpoint.loopback import LoopbackServer, Reply, ok

from .conftest import read_records, write_questions
from .helpers import plan, run


def original_teacher(request: dict[str, Any], number: int) -> Reply:
    """Answer as the question's ``[cot:…|reflect:…]`` plan says; ``reflect:~4``: no marker."""
    (message,) = request["messages"]  # one user turn, as the original
    text = message["content"]
    stage = "reflect" if text.startswith(original.REFLECTIVE_PROMPT) else "cot"
    answer = plan(text).get(stage, "0")
    if stage == "cot":
        return ok(f"Step 1: think.\nThe answer is \\boxed{{{answer}}}.")
    if answer.startswith("~"):
        return ok(f"反思：算错了。\n答案是 \\boxed{{{answer[1:]}}}。")
    return ok(f"反思：算错了。\n{original.MARKER}重新计算。\n答案是 \\boxed{{{answer}}}。")


def test_original_prompts_and_parsing(toy: str, tmp_path: Path) -> None:
    rows = [
        {"id": "a", "subject": toy, "question": "Q [cot:4]", "reference": "4"},
        {"id": "b", "subject": toy, "question": "Q [cot:1|reflect:4]", "reference": "4"},
        {"id": "c", "subject": toy, "question": "Q [cot:1|reflect:~4]", "reference": "4"},
        {"id": "d", "subject": toy, "question": "Q [cot:1|reflect:2]", "reference": "B",
         "choices": ["1", "2", "3"]},
    ]
    path = write_questions(tmp_path / "q.jsonl", rows)
    out = tmp_path / "out.jsonl"
    with LoopbackServer(original_teacher) as server:
        run(path, out, server, max_reflections=2, original_prompts=True)
    records = {r["id"]: r for r in read_records(out)}
    assert {k: (r["stage"], r["correct"]) for k, r in records.items()} == {
        "a": ("cot", True), "b": ("reflect", True), "c": ("failed", None),
        "d": ("failed", False)}
    cot = records["a"]["trajectory"][0]
    assert cot["prompt"] == [{"role": "user",
                              "content": f"{original.COT_PROMPT}Q [cot:4]\nA:"}]
    assert records["a"]["response"] == "Step 1: think.The answer is \\boxed{4}."  # joined
    reflect = records["b"]["trajectory"][1]["prompt"]
    assert reflect == [{"role": "user", "content": (
        f"{original.REFLECTIVE_PROMPT}Q [cot:1|reflect:4]\n文段2：Step 1: think.The answer is "
        "\\boxed{1}.\n文段3：4\n输出：")}]  # the reference inside, as the original
    assert records["b"]["response"] == "重新计算。答案是 \\boxed{4}。"
    assert [s["stage"] for s in records["c"]["trajectory"]] == ["cot", "reflect", "reflect"]
    assert len(records["d"]["trajectory"]) == 1  # multiple choice: not revised, no hint stage
