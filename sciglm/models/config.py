"""The configs of ``sciglm`` itself (how a named model is made loadable) and of
``sciglm models list|rm`` (the conversion cache): every option with its default and help, in
one place; the click options are derived from them (:func:`sciglm.config.click_options`)."""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.config import option

#: Set to 1 to use original ChatGLM checkpoints as they are (remote code), unconverted.
NO_CONVERT_ENV = "SCIGLM_NO_CONVERT"


@dataclass
class ResolveConfig:
    """``sciglm``'s own options, given before any command."""

    no_convert: bool = option(False, "Use original ChatGLM checkpoints as they are (remote "
                              "code) instead of converting them once into the cache.",
                              envvar=NO_CONVERT_ENV)


@dataclass
class ModelsListConfig:
    """``sciglm models list``: the converted checkpoints in the cache."""

    as_json: bool = option(False, "Print the entries as JSON on stdout.", flag="--json")


@dataclass
class ModelsRmConfig:
    """``sciglm models rm``: which converted checkpoints to remove."""

    remove_all: bool = option(False, "Remove every converted model.", flag="--all")
