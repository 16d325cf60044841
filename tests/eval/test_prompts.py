"""Prompts per protocol and prompt format: the chain-of-thought chat prompt, few-shot turns,
the Lean proof prompt, and the paper's protocol (SciGLM's plain-text rounds, SciEval verbatim
as THUDM/SciGLM's evaluate_SciEval.py builds it, options as ``A. …`` lines)."""

from __future__ import annotations

from sciglm import registry
from sciglm.eval.prompts import build_messages, build_prompt, exemplar_answer, question_text
from sciglm.eval.protocols import get_protocol
from sciglm.prompt_format import sciglm_prompt
from sciglm.records import Question

COT, DIRECT, SCIGLM = get_protocol("cot"), get_protocol("direct"), get_protocol("sciglm")


def q(ident: str, text: str, reference: str, subject: str = "math", **meta: object) -> Question:
    return Question(ident, subject, text, reference=reference, meta=dict(meta))


def bench(name: str):  # noqa: ANN201 - a Benchmark
    return registry.get_benchmark(name)


def test_zero_shot_cot() -> None:
    math = registry.get_subject("math")
    messages = build_messages(bench("gsm8k"), COT, q("1", "How many?", "3"), [])
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[0]["content"] == math.system_prompt
    assert messages[1]["content"] == (
        "How many?\n\n"
        "Solve it step by step, then give the final answer (a number) as \\boxed{ANSWER}."
    )


def test_few_shot_exemplars_are_earlier_turns() -> None:
    shot = Question("9", "math", "Two plus two?", reference="4",
                    solution="2 + 2 = <<2+2=4>>4 apples.")
    messages = build_messages(bench("gsm8k"), COT, q("1", "Q?", "3"), [shot])
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[1]["content"].startswith("Two plus two?")
    assert messages[2]["content"] == "2 + 2 = 4 apples.\nThe answer is \\boxed{4}."
    assert exemplar_answer(shot, DIRECT) == "The answer is \\boxed{4}."
    assert exemplar_answer(shot, SCIGLM) == "2 + 2 = 4 apples.\nThe answer is 4."


def test_answer_forms_follow_the_question() -> None:
    assert "a number in the unit $\\mathrm{atm}$" in question_text(
        bench("scibench"), q("1", "P?", "50.7", unit="$\\mathrm{atm}$"), COT)
    tqa = bench("theoremqa")
    assert "(True or False)" in question_text(tqa, q("1", "Is it?", "True", answer_type="bool"),
                                              COT)
    assert "(the option letter, such as (a))" in question_text(
        tqa, q("1", "Which?", "(c)", answer_type="option"), COT)
    assert "(yes or no)" in question_text(bench("scieval"), q("1", "?", "yes", type="judge"), COT)
    assert question_text(bench("math"), q("1", "?", "1"), DIRECT) == (
        "?\n\nReply with the final answer only (the answer in simplest form) as \\boxed{ANSWER}."
    )


def test_lean_uses_the_subject_proof_prompt_under_every_protocol() -> None:
    lean = registry.get_subject("lean")
    theorem = Question("t", "lean", "theorem t : 1 + 1 = 2 := by sorry",
                       meta={"statement": "theorem t : 1 + 1 = 2 := by sorry",
                             "header": "import Mathlib"})
    for protocol in (COT, SCIGLM):
        assert build_messages(bench("minif2f"), protocol, theorem, []) == lean.cot_prompt(theorem)


def test_sciglm_protocol_is_the_training_prompt_with_no_instruction() -> None:
    question = q("1", "Natalia sold clips to 48 of her friends. How many?", "72")
    prompt = build_prompt(bench("gsm8k"), SCIGLM, question, [], "sciglm")
    assert prompt.text == sciglm_prompt("Natalia sold clips to 48 of her friends. How many?")
    assert prompt.text == ("[Round 1]\n\n问：Natalia sold clips to 48 of her friends. "
                           "How many?\n\n答：")
    chat = build_prompt(bench("gsm8k"), SCIGLM, question, [], "chat")
    assert chat.text is None
    assert chat.messages == [{"role": "user", "content": question.question}]  # no system


def test_sciglm_protocol_multiple_choice_shows_lettered_options() -> None:
    question = Question("c", "college_physics", "α粒子的动能为____", reference="A",
                        choices=["2倍", "3倍", "4倍", "5倍"])
    prompt = build_prompt(bench("ceval-hard"), SCIGLM, question, [], "sciglm")
    assert prompt.text == sciglm_prompt("α粒子的动能为____\nA. 2倍\nB. 3倍\nC. 4倍\nD. 5倍")
    cot = build_prompt(bench("ceval-hard"), COT, question, [], "chat")
    assert "(A) 2倍\n(B) 3倍" in cot.messages[-1]["content"]
    assert "(the letter of the correct option)" in cot.messages[-1]["content"]


def test_scieval_under_the_paper_protocol_is_sent_verbatim() -> None:
    task = 'Given a question and four options, please select the right answer.'
    item = q("s", "Which gas?\nA. O2\nB. N2", "A", "chemistry", type="multiple-choice",
             prompt=task)
    prompt = build_prompt(bench("scieval"), SCIGLM, item, [], "sciglm")
    assert prompt.text == task + "\ninput:" + "Which gas?\nA. O2\nB. N2"  # no round wrapper
    # A model trained in the chat format gets the same text as its one user message.
    chat = build_prompt(bench("scieval"), SCIGLM, item, [], "chat")
    assert chat.messages == [{"role": "user", "content": prompt.text}]


def test_few_shot_in_the_sciglm_format_are_earlier_rounds() -> None:
    shot = q("9", "Two plus two?", "4")
    prompt = build_prompt(bench("gsm8k"), SCIGLM, q("1", "Three plus three?", "6"), [shot],
                          "sciglm")
    assert prompt.text == ("[Round 1]\n\n问：Two plus two?\n\n答：4\n\n"
                           "[Round 2]\n\n问：Three plus three?\n\n答：")


def test_a_system_prompt_leads_the_first_round() -> None:
    prompt = build_prompt(bench("gsm8k"), DIRECT, q("1", "Q?", "6"), [], "sciglm")
    assert prompt.text is not None and prompt.text.startswith("[Round 1]\n\n问：You are a")
    assert prompt.text.endswith("as \\boxed{ANSWER}.\n\n答：")
