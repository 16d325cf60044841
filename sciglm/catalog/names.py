"""One name per evaluation set, accepted by every command (``data``, ``questions``, ``eval``,
decontamination), and the older names each still answers to.

A set's name is its benchmark name where ``sciglm eval`` scores it (``sat-math``, ``ceval-sci``)
and its catalogue name otherwise; the catalogue entry that holds a benchmark's file carries the
same name where the benchmark is the whole file (``sat-math``, ``ceval-stem``). The paper's
column names mean the paper's question sets (``ceval-sci`` is its 210 questions, ``mmlu-sci``
its 1,855); the larger STEM sets that used to carry the short names are ``ceval-stem`` and
``mmlu-stem``.
"""

from __future__ import annotations

#: old or alternative name → the one name. The only table of aliases.
ALIASES: dict[str, str] = {
    "agieval-sat-math": "sat-math",
    "agieval-aqua": "aqua",
    "aqua-rat": "aqua",
    "ceval": "ceval-stem",
    "mmlu": "mmlu-stem",
    "gaokao-bench": "gaokao",
    "deepmind-mathematics": "mathematics",
}


def canonical(name: str) -> str:
    """The one name of the set called ``name`` (itself when it is no alias)."""
    return ALIASES.get(name, name)


def old_names(name: str) -> list[str]:
    """The aliases of ``name`` (what it was called before), in table order."""
    return [alias for alias, target in ALIASES.items() if target == name]
