"""The original SciGLM annotation prompts, for ``sciglm annotate --original-prompts``.

Copied from THUDM/SciGLM ``self_reflective_annotation/reflective_generation`` (commit
685e584): ``prompt.py:1`` (chain of thought) and ``prompt.py:3`` (reflection, which shows the
**reference answer**), each sent as one user turn (``api_gen_gpt.py:33``,
``api_gen_gpt_revise.py:42``); the reply's lines are joined with no separator
(``api_gen_gpt.py:39-42``, ``api_gen_gpt_revise.py:50-53``) and a reflection keeps the text after
its last ``正确解答：`` (``:55-56``). Since the reflection already sees the reference, the run
has no separate hint stage, as the original.
"""

from __future__ import annotations

from sciglm.records import Message, Question

#: ``prompt.py:1``, verbatim.
COT_PROMPT = ("下面将输入一个理科的题目，请分步地给出详细的解题过程。"
              "注意，请直接输出解题过程，不要输出其他信息。Q:")
#: ``prompt.py:3``, verbatim.
REFLECTIVE_PROMPT = (
    "下面将输入三段文字，第一段是一个理科的题目，第二段是该题目对应的一个解答。但是，这个解答是"
    "错误的，请反思其错误，然后参考第三段文字给出的正确答案分步地给出详细的正确的解题过程。注意，"
    "输出格式为“反思：...正确解答：...”。文段1："
)
#: The marker before a reflection's corrected solution.
MARKER = "正确解答："


def cot_messages(question: Question) -> list[Message]:
    """``cot_prompt + q + '\\nA:'`` as one user turn."""
    return [{"role": "user", "content": f"{COT_PROMPT}{question.question}\nA:"}]


def reflect_messages(question: Question, attempt: str, reference: str) -> list[Message]:
    """``reflective_prompt + q + '\\n文段2：' + a + '\\n文段3：' + ra + '\\n输出：'``."""
    return [{"role": "user", "content": f"{REFLECTIVE_PROMPT}{question.question}\n文段2："
                                        f"{attempt}\n文段3：{reference}\n输出："}]


def joined(response: str) -> str:
    """The reply's lines joined with no separator, as the original kept a solution."""
    return "".join(response.split("\n"))


def corrected(response: str) -> str | None:
    """The joined reply after its last ``正确解答：``; ``None`` without one (the original retried
    and then dropped the question)."""
    text = joined(response)
    return text.split(MARKER)[-1] if MARKER in text else None
