"""The filter chain over annotated records: verified → rules → classifier → dedup → decontam.

Each step splits its input into kept and dropped; a dropped record goes to ``reject`` with the
step and the reason, and every step's counts (and the dedup clusters and decontamination hits)
go into a :class:`FilterReport` that ``sciglm mix`` puts into the data card.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sciglm.data import rules as rules_mod
from sciglm.data.annotated import Annotated, rejected_record
from sciglm.data.decontam import NgramIndex
from sciglm.data.dedup import DedupConfig, deduplicate
from sciglm.errors import SciglmError
from sciglm.progress import ProgressFactory, no_progress

Reject = Callable[[dict[str, Any]], None]
#: The record fields checked for overlap with the evaluation sets unless others are named.
DECONTAM_FIELDS = ("question",)


@dataclass
class ClassifierStep:
    """Score records with a saved classifier and keep those above ``min_score``; stop when
    more than ``max_drop`` of the verified-correct records would go (``None``: never stop)."""

    folder: str
    min_score: float
    max_drop: float | None


@dataclass
class FilterSteps:
    """The steps of one run of the chain; a step left at its default is skipped. ``sciglm
    filter`` builds them from its config (:meth:`sciglm.data.filter_config.FilterConfig.steps`),
    ``sciglm mix`` for its final check."""

    verified_only: bool = False
    rules: list[str] = field(default_factory=list)
    rule_config: rules_mod.RuleConfig = field(default_factory=rules_mod.RuleConfig)
    classifier: ClassifierStep | None = None
    dedup: DedupConfig | None = None
    #: The evaluation sets' n-grams to decontaminate against.
    decontam: NgramIndex | None = None
    decontam_fields: tuple[str, ...] = DECONTAM_FIELDS


@dataclass
class StepReport:
    """One step: how many records came in, how many it dropped and why."""

    step: str
    input: int
    dropped: int = 0
    reasons: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "input": self.input, "dropped": self.dropped,
                "kept": self.input - self.dropped, "reasons": dict(self.reasons.most_common()),
                "seconds": self.seconds}


@dataclass
class FilterReport:
    """Everything the chain did, JSON-ready."""

    steps: list[StepReport] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)
    hits: list[dict[str, Any]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**self.info, "steps": [s.to_dict() for s in self.steps],
                "dedup_clusters": self.clusters, "decontamination_hits": self.hits}


def _drop(step: StepReport, item: Annotated, reason: str, key: str, reject: Reject) -> None:
    step.dropped += 1
    step.reasons[key] += 1
    reject(rejected_record(item, step.step, reason))


def step_verified(items: list[Annotated], report: FilterReport, reject: Reject) -> list[Annotated]:
    """Keep records whose answer the verifier accepted (``correct: true``)."""
    step = StepReport("verified", len(items))
    report.steps.append(step)
    kept = []
    for item in items:
        correct = item.record.get("correct")
        if correct is True and item.response.strip():
            kept.append(item)
        elif correct is True:
            _drop(step, item, "no response text", "no response", reject)
        else:
            key = "correct=false" if correct is False else "correct=null (undecided or failed)"
            _drop(step, item, f"{key}, stage={item.record.get('stage')}", key, reject)
    return kept


def step_rules(items: list[Annotated], config: FilterSteps, report: FilterReport,
               reject: Reject, progress: ProgressFactory) -> list[Annotated]:
    """Drop responses that a rule filter rejects."""
    step = StepReport("rules", len(items))
    report.steps.append(step)
    kept = []
    with progress("rules", len(items)) as bar:
        for item in items:
            finish = item.record.get("finish_reason")
            found = rules_mod.check(item.question, item.response, config.rules,
                                    config.rule_config, finish if isinstance(finish, str) else None)
            if found:
                _drop(step, item, f"{found[0]}: {found[1]}", found[0], reject)
            else:
                kept.append(item)
            bar.advance()
    return kept


def classifier_shares(items: list[Annotated], kept_ids: set[int]) -> dict[str, dict[str, Any]]:
    """Per subject (and ``all``): verified-correct records in, kept, and the kept share."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        if item.record.get("correct") is not True:
            continue
        for name in (item.subject or "?", "all"):
            row = out.setdefault(name, {"in": 0, "kept": 0})
            row["in"] += 1
            row["kept"] += id(item) in kept_ids
    for row in out.values():
        row["share"] = round(row["kept"] / row["in"], 4)
    return dict(sorted(out.items(), key=lambda kv: (kv[0] == "all", kv[0])))


def step_classifier(items: list[Annotated], config: ClassifierStep, report: FilterReport,
                    reject: Reject, progress: ProgressFactory) -> list[Annotated]:
    """Score question+response with the saved classifier; keep scores above ``min_score``.

    Before dropping anything, stop with an error when more than ``max_drop`` of the
    verified-correct records would go: a classifier that empties a set is a broken classifier.
    """
    from sciglm.classifier.base import load_classifier, quality_text

    classifier, meta = load_classifier(config.folder)
    info: dict[str, Any] = {"folder": str(config.folder), "kind": meta["kind"],
                            "sciglm_version": meta.get("sciglm_version"),
                            "min_score": config.min_score,
                            "max_drop": config.max_drop}
    report.info["classifier"] = info
    step = StepReport("classifier", len(items))
    report.steps.append(step)
    texts = [quality_text(item.question, item.response) for item in items]
    with progress("classifier", len(texts)) as bar:
        scores = classifier.score(texts, advance=bar.advance) if texts else []
    passed = {id(item) for item, score in zip(items, scores, strict=True)
              if score > config.min_score}
    info["kept_share"] = shares = classifier_shares(items, passed)
    total = shares.get("all")
    if (config.max_drop is not None and total
            and 1 - total["share"] > config.max_drop):
        worst = ", ".join(f"{name} {1 - row['share']:.0%}" for name, row in shares.items()
                          if name != "all")
        raise SciglmError(
            f"classifier {config.folder} would drop {1 - total['share']:.0%} of the "
            f"verified-correct records ({total['in'] - total['kept']} of {total['in']}; {worst}), "
            f"more than the allowed {config.max_drop:.0%}: check it with 'sciglm "
            "classifier eval', lower --min-score, or raise --max-classifier-drop to go on")
    kept = []
    for item, score in zip(items, scores, strict=True):
        item.record["score"] = round(float(score), 6)
        if id(item) in passed:
            kept.append(item)
        else:
            _drop(step, item, f"classifier score {score:.3f} <= {config.min_score}",
                  "low score", reject)
    return kept


def step_dedup(items: list[Annotated], config: DedupConfig, report: FilterReport,
               reject: Reject, progress: ProgressFactory) -> list[Annotated]:
    """Drop exact and near-duplicate questions; the first of each cluster stays."""
    step = StepReport("dedup", len(items))
    report.steps.append(step)
    with progress("dedup", len(items)) as bar:
        result = deduplicate([item.question for item in items], config, advance=bar.advance)
    for dup in result.duplicates:
        item, kept = items[dup.index], items[dup.kept]
        _drop(step, item, f"{dup.kind} duplicate of {kept.record['id']} "
                          f"(similarity {dup.similarity:.2f})", f"{dup.kind} duplicate", reject)
    for kept_index, members in result.clusters.items():
        report.clusters.append({"kept": items[kept_index].record["id"],
                                "dropped": [items[m].record["id"] for m in members]})
    return [items[i] for i in result.kept]


def step_decontam(items: list[Annotated], index: NgramIndex, fields: tuple[str, ...],
                  report: FilterReport, reject: Reject,
                  progress: ProgressFactory) -> list[Annotated]:
    """Drop records whose question (or other named fields) shares an n-gram with an eval set."""
    report.info["decontamination"] = {"n": index.n, "fields": list(fields),
                                      "eval_sets": index.sizes, "paths": index.paths}
    step = StepReport("decontam", len(items))
    report.steps.append(step)
    kept = []
    with progress("decontaminate", len(items)) as bar:
        for item in items:
            hit = None
            for name in fields:
                value = item.record.get(name)
                if isinstance(value, str):
                    hit = index.check([value])[0]
                    if hit:
                        break
            bar.advance()
            if hit is None:
                kept.append(item)
                continue
            report.hits.append({"id": item.record["id"], "eval_set": hit.eval_set,
                                "eval_item": hit.eval_item, "ngram": hit.ngram,
                                "overlaps": hit.overlaps})
            _drop(step, item, f"{index.n}-gram overlap with {hit.eval_set} item {hit.eval_item}: "
                              f"{hit.ngram[:80]!r}", hit.eval_set, reject)
    return kept


def run_filter(items: list[Annotated], config: FilterSteps, reject: Reject,
               progress: ProgressFactory = no_progress) -> tuple[list[Annotated], FilterReport]:
    """Run every enabled step in order; return the survivors and the report."""
    report = FilterReport()
    report.steps.append(StepReport("input", len(items)))
    steps: list[Callable[[list[Annotated]], list[Annotated]]] = []
    if config.verified_only:
        steps.append(lambda xs: step_verified(xs, report, reject))
    if config.rules:
        steps.append(lambda xs: step_rules(xs, config, report, reject, progress))
    if config.classifier is not None:
        classifier = config.classifier
        steps.append(lambda xs: step_classifier(xs, classifier, report, reject, progress))
    if config.dedup is not None:
        dedup = config.dedup
        steps.append(lambda xs: step_dedup(xs, dedup, report, reject, progress))
    if config.decontam is not None:
        index, fields = config.decontam, config.decontam_fields
        steps.append(lambda xs: step_decontam(xs, index, fields, report, reject, progress))
    for step in steps:
        started = time.perf_counter()
        items = step(items)
        report.steps[-1].seconds = round(time.perf_counter() - started, 3)
    report.info["kept"] = len(items)
    return items, report
