"""The configs of ``sciglm lean setup|doctor``: every option with its default and help, in one
place; the commands' click options are derived from them (:func:`sciglm.config.click_options`)."""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.config import option


@dataclass
class LeanSetupConfig:
    """``sciglm lean setup``: which Lake project to prepare, and which steps to leave out."""

    directory: str | None = option(None, "Lake project to prepare (default: "
                                   "$SCIGLM_LEAN_PROJECT, else the checkout root, else "
                                   "~/.cache/sciglm/lean).", flag="--dir", path="dir")
    skip_cache: bool = option(False, "Do not download Mathlib's .olean cache.")
    skip_comparator: bool = option(False, "Do not fetch and build leanprover/comparator (then "
                                   "no proof can come back true).")


@dataclass
class LeanDoctorConfig:
    """``sciglm lean doctor``: how to show the report."""

    as_json: bool = option(False, "Print the report as JSON on stdout.", flag="--json")
