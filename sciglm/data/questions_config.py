"""``sciglm questions``'s one config: every option with its default and help, in one place;
the command's click options are derived from it (:func:`sciglm.config.click_options`)."""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.catalog.config import data_dir_option
from sciglm.config import option
from sciglm.errors import SciglmError


@dataclass
class QuestionsConfig:
    """Which questions to load (:func:`sciglm.data.questions.load_questions`) and how to show
    them."""

    sources: tuple[str, ...] = option(
        (), "A set by the name eval scores it under (gsm8k, math, ceval-sci, mmlu-sci, sat-math, "
        "aqua, mathematics, scieval, gaokao, minif2f …: exactly the questions eval scores), a "
        "catalogue split (math:test500, gaokao:test; see 'sciglm data list'), NAME:PATH with a "
        "named loader, or a plain JSONL/JSON/CSV/Parquet path.", flag="--source", multiple=True,
        required=True)
    subject: str | None = option(None, "Keep only this subject (required for a plain file).")
    fields: tuple[str, ...] = option((), "Column mapping for plain files, e.g. --field "
                                     "question=problem.", flag="--field", multiple=True,
                                     metavar="OURS=THEIRS")
    data_dir: str | None = data_dir_option("a catalogue set")
    limit: int | None = option(None, "Show at most this many questions.", min=0)
    as_jsonl: bool = option(False, "Print questions as JSONL on stdout.", flag="--jsonl")
    output: str | None = option(None, "Write the questions as JSONL to this file (the input of "
                                "'sciglm annotate').", short="-o", path="file")

    def mapping(self) -> dict[str, str]:
        """``--field OURS=THEIRS`` pairs as ``{ours: theirs}``."""
        mapping = {}
        for item in self.fields:
            ours, sep, theirs = item.partition("=")
            if not sep:
                raise SciglmError(f"--field {item!r}: expected OURS=THEIRS")
            mapping[ours] = theirs
        return mapping
