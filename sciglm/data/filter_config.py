"""``sciglm filter``'s one config: every option with its default and help, in one place; the
command's click options are derived from it (:func:`sciglm.config.click_options`), and
:meth:`FilterConfig.steps` turns it into the chain :func:`sciglm.data.pipeline.run_filter` runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.catalog.config import data_dir_option
from sciglm.config import option
from sciglm.data.decontam import DEFAULT_NGRAM, NgramIndex
from sciglm.data.dedup import DedupConfig
from sciglm.data.pipeline import DECONTAM_FIELDS, ClassifierStep, FilterSteps
from sciglm.data.rules import RuleConfig, parse_rules
from sciglm.errors import SciglmError


@dataclass
class FilterConfig:
    """What ``sciglm filter`` keeps, and where it writes the kept and the dropped records."""

    output: str = option(help="Kept records (JSONL, annotated format, plus 'score' with a "
                         "classifier).", short="-o", path="file")
    rejected: str | None = option(None, "Dropped records with their reason (default: OUTPUT's "
                                  "name + .rejected.jsonl).", path="file")
    report_path: str | None = option(None, "Step counts, clusters and hits as JSON (default: "
                                     "OUTPUT's name + .filter.json).", flag="--report",
                                     path="file")
    keep_unverified: bool = option(False, "Keep records whose 'correct' is not true (default: "
                                   "drop them).")
    rule_spec: str = option("all", "Rules to apply: all, none, a comma list, or -name to leave "
                            "one out (empty, too_short, too_long, repeated_lines, unfinished, "
                            "wrong_language, answer_not_stated).", flag="--rules")
    min_chars: int = option(RuleConfig.min_chars, "too_short limit.")
    max_chars: int = option(RuleConfig.max_chars, "too_long limit.")
    classifier_dir: str | None = option(None, "A folder from 'sciglm classifier train' "
                                        "(default: no classifier step).", flag="--classifier",
                                        path="dir")
    min_score: float = option(0.0, "Keep records whose classifier score P(good) − P(bad) is "
                              "above this.")
    max_classifier_drop: float = option(0.5, "Stop with an error (writing nothing) when the "
                                        "classifier would drop more than this share of the "
                                        "verified-correct records.", min=0, max=1)
    allow_classifier_drop: bool = option(False, "Go on whatever share of verified-correct "
                                         "records the classifier drops.")
    no_dedup: bool = option(False, "Skip deduplication.")
    no_near: bool = option(False, "Exact duplicates only (no MinHash/LSH).")
    near_threshold: float = option(DedupConfig.threshold, "Estimated Jaccard similarity (5-char "
                                   "shingles) that makes a near duplicate.")
    against: tuple[str, ...] = option((), "Evaluation set to decontaminate against "
                                      "(repeatable; default: every benchmark 'sciglm eval' "
                                      "knows, from $SCIGLM_DATA).", multiple=True,
                                      metavar="NAME:PATH[:FIELD]")
    no_decontam: bool = option(False, "Skip decontamination.")
    data_dir: str | None = data_dir_option("the evaluation sets")
    ngram: int = option(DEFAULT_NGRAM, "n-gram size for overlap.")
    decontam_fields: tuple[str, ...] = option((), "Record fields checked for overlap (default: "
                                              "question; add response too).",
                                              flag="--decontam-field", multiple=True)
    as_json: bool = option(False, "Print the report as JSON on stdout.", flag="--json")

    def __post_init__(self) -> None:
        if not 0 < self.near_threshold <= 1:
            raise SciglmError(f"--near-threshold must be in (0, 1], got {self.near_threshold}")

    def steps(self, index: NgramIndex | None) -> FilterSteps:
        """The chain this config runs, decontaminating against ``index`` (``None``: no
        decontamination); an unknown rule name fails here."""
        classifier = None
        if self.classifier_dir:
            max_drop = None if self.allow_classifier_drop else self.max_classifier_drop
            classifier = ClassifierStep(self.classifier_dir, self.min_score, max_drop)
        return FilterSteps(
            verified_only=not self.keep_unverified,
            rules=parse_rules(self.rule_spec),
            rule_config=RuleConfig(min_chars=self.min_chars, max_chars=self.max_chars),
            classifier=classifier,
            dedup=None if self.no_dedup else DedupConfig(near=not self.no_near,
                                                         threshold=self.near_threshold),
            decontam=index,
            decontam_fields=tuple(self.decontam_fields) or DECONTAM_FIELDS,
        )
