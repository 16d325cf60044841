"""Per-benchmark prompts: the answer form asked for, few-shot turns, the Lean proof prompt."""

from __future__ import annotations

from sciglm import registry
from sciglm.eval import benchmarks as bm
from sciglm.eval.prompts import build_messages, exemplar_answer, instruction
from sciglm.records import Question


def q(ident: str, text: str, reference: str, subject: str = "math", **meta: object) -> Question:
    return Question(ident, subject, text, reference=reference, meta=dict(meta))


def test_zero_shot_cot() -> None:
    bench = bm.BUILTIN["gsm8k"]
    math = registry.get_subject("math")
    messages = build_messages(bench, math, q("1", "How many?", "3"), [])
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[0]["content"] == math.system_prompt
    assert messages[1]["content"] == (
        "How many?\n\n"
        "Solve it step by step, then give the final answer (a number) as \\boxed{ANSWER}."
    )


def test_few_shot_exemplars_are_earlier_turns() -> None:
    bench = bm.BUILTIN["gsm8k"]
    shot = Question("9", "math", "Two plus two?", reference="4",
                    solution="2 + 2 = <<2+2=4>>4 apples.")
    messages = build_messages(bench, registry.get_subject("math"), q("1", "Q?", "3"), [shot])
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[1]["content"].startswith("Two plus two?")
    assert messages[2]["content"] == "2 + 2 = 4 apples.\nThe answer is \\boxed{4}."
    assert exemplar_answer(shot, "direct") == "The answer is \\boxed{4}."


def test_answer_forms_follow_the_question() -> None:
    sci = bm.BUILTIN["scibench"]
    assert "a number in the unit $\\mathrm{atm}$" in instruction(
        sci, q("1", "P?", "50.7", unit="$\\mathrm{atm}$"), "cot")
    tqa = bm.BUILTIN["theoremqa"]
    question = q("1", "Is it?", "True", answer_type="bool")
    assert "(True or False)" in instruction(tqa, question, "cot")
    assert "(the option letter, such as (a))" in instruction(
        tqa, q("1", "Which?", "(c)", answer_type="option"), "cot")
    scieval = bm.BUILTIN["scieval"]
    assert "(yes or no)" in instruction(scieval, q("1", "?", "yes", type="judge"), "cot")
    assert instruction(bm.BUILTIN["math"], q("1", "?", "1"), "direct") == (
        "Reply with the final answer only (the answer in simplest form) as \\boxed{ANSWER}."
    )


def test_lean_uses_the_subject_proof_prompt() -> None:
    lean = registry.get_subject("lean")
    theorem = Question("t", "lean", "theorem t : 1 + 1 = 2 := by sorry",
                       meta={"statement": "theorem t : 1 + 1 = 2 := by sorry",
                             "header": "import Mathlib"})
    messages = build_messages(bm.BUILTIN["minif2f"], lean, theorem, [])
    assert messages == lean.cot_prompt(theorem)
    assert "theorem t : 1 + 1 = 2" in messages[-1]["content"]
