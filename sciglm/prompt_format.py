"""How a question is written for a model trained by a given recipe: one place, read by
training (rendering examples) and evaluation (rendering benchmark prompts) alike.

``sciglm``: SciGLM's original ``build_prompt`` (THUDM/SciGLM ``training/main.py``): a single
round in ChatGLM2's plain-text format. ``chat``: the tokenizer's own chat template.
"""

from __future__ import annotations

#: Name of the file a training run writes beside its model to record the recipe it used.
RECIPE_FILE = "sciglm-recipe.json"

SCIGLM_ROUND = "[Round 1]\n\n问：{content}\n\n答："


def sciglm_prompt(content: str) -> str:
    """The original SciGLM prompt text for one question (no special tokens; the tokenizer
    adds ChatGLM3's ``[gMASK]sop`` prefix when encoding with special tokens)."""
    return SCIGLM_ROUND.format(content=content)
