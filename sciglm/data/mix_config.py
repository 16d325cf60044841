"""``sciglm mix``'s one config: every option with its default and help, in one place; the
command's click options are derived from it (:func:`sciglm.config.click_options`)."""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.catalog.config import data_dir_option
from sciglm.config import option
from sciglm.data.decontam import DEFAULT_NGRAM
from sciglm.errors import SciglmError


@dataclass(kw_only=True)
class MixConfig:
    """Which filtered files go into the training mixture, how they are weighted, and where the
    mixture is written."""

    input_specs: tuple[str, ...] = option(
        (), "Filtered records of one subject (repeatable; a subject may repeat); a bare PATH uses "
        "each record's own 'subject' field. 'sciinstruct' (or 'hf:zd21/SciInstruct', "
        "'sciinstruct:cn_math') or a released .json file adds the released SciInstruct, subject "
        "from the file name.", flag="--input", multiple=True, required=True,
        metavar="[SUBJECT=]PATH")
    weights: str | None = option(None, "Per-subject multipliers: 2 = every example twice, 0.5 = "
                                 "a random half.", metavar="S=W,...")
    general_path: str | None = option(None, "General-domain data ({content,summary}, "
                                      "{instruction,output}, ...).", flag="--general",
                                      path="file")
    general_ratio: float = option(0.0, "General examples per science example.")
    seed: int = option(0, "Sampling and shuffle seed.")
    output: str = option(help="Folder for train.jsonl, dataset/, data_card.md, PNGs and "
                         "mix.json.", short="-o", path="dir")
    no_dedup: bool = option(False, "Skip the cross-input deduplication.")
    against: tuple[str, ...] = option((), "Evaluation sets for the final decontamination "
                                      "(default: as in sciglm filter).", multiple=True,
                                      metavar="NAME:PATH[:FIELD]")
    no_decontam: bool = option(False, "Skip the final decontamination.")
    data_dir: str | None = data_dir_option("named inputs and evaluation sets")
    ngram: int = option(DEFAULT_NGRAM, "n-gram size for overlap.")
    as_json: bool = option(False, "Print the statistics as JSON on stdout.", flag="--json")

    def __post_init__(self) -> None:
        if self.general_ratio < 0 or (self.general_ratio and not self.general_path):
            raise SciglmError("--general-ratio needs --general and must be >= 0")
