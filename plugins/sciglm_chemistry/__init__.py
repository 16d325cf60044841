"""The built-in ``chemistry`` subject, and ``biology`` (SciEval needs it; checked the same way).

Registered through the entry point ``chemistry = "sciglm_chemistry"``. Chemistry answers are
checked like physics ones (amounts, concentrations, energies with units; ``0.25 M`` equals
``0.25 mol/L``), plus text answers such as SMILES compared exactly after normalizing spaces.
"""

from __future__ import annotations

from collections.abc import Callable

from sciglm_physics import QuantitySubject

from sciglm.hookspecs import hookimpl
from sciglm.subject import Subject

CHEMISTRY_PROMPT = (
    "You are a careful chemist. Solve the problem step by step, keeping track of units and "
    "significant figures, then state the final answer with its unit on its own line as: "
    "The answer is \\boxed{ANSWER}."
)
BIOLOGY_PROMPT = (
    "You are a careful biologist. Reason step by step, then state the final answer on its own "
    "line as: The answer is \\boxed{ANSWER} (a choice letter, yes/no, or a value with its unit)."
)


class Chemistry(QuantitySubject):
    name = "chemistry"
    description = "Chemistry: quantities with units (pint), choice letters, yes/no, exact text."
    system_prompt = CHEMISTRY_PROMPT


class Biology(QuantitySubject):
    name = "biology"
    description = "Biology (SciEval): choice letters, yes/no, quantities with units."
    system_prompt = BIOLOGY_PROMPT


@hookimpl
def register_subjects(register: Callable[[Subject], None]) -> None:
    register(Chemistry())
    register(Biology())
