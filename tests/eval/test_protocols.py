"""Protocol and prompt-format choice: named by the user, else read from the model's recipe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciglm.errors import SciglmError
from sciglm.eval.protocols import choose, get_protocol, read_recipe
from sciglm.prompt_format import RECIPE_FILE


def test_unknown_names_list_the_known_ones() -> None:
    with pytest.raises(SciglmError, match=r"unknown protocol 'paper' \(known: cot, direct, "
                                          r"sciglm\)"):
        get_protocol("paper")
    with pytest.raises(SciglmError, match=r"unknown prompt format 'glm' \(known: chat, sciglm\)"):
        choose("cot", "glm", {})


def recipe_folder(tmp_path: Path, data: object) -> str:
    (tmp_path / RECIPE_FILE).write_text(json.dumps(data))
    return str(tmp_path)


def test_a_sciglm_recipe_model_is_evaluated_as_the_paper_did(tmp_path: Path) -> None:
    recipe = read_recipe(recipe_folder(tmp_path, {"recipe": "sciglm", "prompt_format": "sciglm",
                                                  "lr": 3e-6}))
    assert recipe == {"recipe": "sciglm", "prompt_format": "sciglm"}
    protocol, fmt = choose(None, None, recipe)
    assert (protocol.name, fmt) == ("sciglm", "sciglm")
    protocol, fmt = choose("cot", None, recipe)  # told otherwise: cot, still its prompt format
    assert (protocol.name, fmt) == ("cot", "sciglm")
    protocol, fmt = choose(None, "chat", recipe)
    assert (protocol.name, fmt) == ("sciglm", "chat")
    ds3 = {"recipe": "sciglm-ds3", "prompt_format": "sciglm"}  # the released weights' run
    assert choose(None, None, ds3)[0].name == "sciglm"


def test_a_chat_recipe_model_and_a_model_without_one(tmp_path: Path) -> None:
    recipe = read_recipe(recipe_folder(tmp_path, {"recipe": "chat", "prompt_format": "chat"}))
    assert [(p.name, f) for p, f in [choose(None, None, recipe)]] == [("cot", "chat")]
    assert read_recipe(str(tmp_path / "elsewhere")) == {} and read_recipe(None) == {}
    assert [(p.name, f) for p, f in [choose(None, None, {})]] == [("cot", "chat")]
    assert [(p.name, f) for p, f in [choose("sciglm", None, {})]] == [("sciglm", "sciglm")]


def test_a_malformed_recipe_file_is_named(tmp_path: Path) -> None:
    (tmp_path / RECIPE_FILE).write_text("{not json")
    with pytest.raises(SciglmError, match=f"{tmp_path / RECIPE_FILE}: cannot read"):
        read_recipe(str(tmp_path))
    (tmp_path / RECIPE_FILE).write_text("[1]")
    with pytest.raises(SciglmError, match="must be a JSON object"):
        read_recipe(str(tmp_path))
