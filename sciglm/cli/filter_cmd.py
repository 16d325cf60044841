"""``sciglm filter``: verified → rules → classifier → dedup → decontamination, with reasons."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from sciglm.cli.common import console, print_json, print_table, progress_bar
from sciglm.errors import SciglmError


def sidecar(output: str | Path, suffix: str) -> Path:
    """``kept.jsonl`` → ``kept.<suffix>`` beside it."""
    output = Path(output)
    stem = output.name[:-6] if output.name.endswith(".jsonl") else output.name
    return output.with_name(f"{stem}.{suffix}")


def eval_sets_from_options(against: tuple[str, ...], no_decontam: bool) -> list[Any]:
    """``--against`` sets, else the default ones; warns (never silently skips) when none exist."""
    from sciglm.data.decontam import default_data_dir, default_eval_sets, parse_eval_set

    if no_decontam:
        return []
    sets = [parse_eval_set(spec) for spec in against] or default_eval_sets()
    if not sets:
        where = default_data_dir() or "none: set $SCIGLM_DATA"
        console.print("[yellow]warning:[/] no evaluation sets found (none given with --against, "
                      f"no benchmark file in the data folder ({where})); "
                      "decontamination skipped")
    return sets


def show_report(report: dict[str, Any]) -> None:
    """The per-step table on stderr."""
    rows = []
    for step in report["steps"]:
        top = ", ".join(f"{k} {v}" for k, v in list(step["reasons"].items())[:3])
        rows.append([step["step"], step["input"], step["dropped"], step["kept"], top])
    print_table("filter", ["step", "in", "dropped", "kept", "top reasons"], rows)


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="ANNOTATED.jsonl...",
                type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Kept records (JSONL, annotated format, plus 'score' with a classifier).")
@click.option("--rejected", type=click.Path(dir_okay=False),
              help="Dropped records with their reason (default: OUTPUT's name + .rejected.jsonl).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Step counts, clusters and hits as JSON "
                   "(default: OUTPUT's name + .filter.json).")
@click.option("--keep-unverified", is_flag=True,
              help="Keep records whose 'correct' is not true (default: drop them).")
@click.option("--rules", "rule_spec", default="all", show_default=True,
              help="Rules to apply: all, none, a comma list, or -name to leave one out "
                   "(empty, too_short, too_long, repeated_lines, unfinished, wrong_language, "
                   "answer_not_stated).")
@click.option("--min-chars", type=int, default=15, show_default=True, help="too_short limit.")
@click.option("--max-chars", type=int, default=16000, show_default=True, help="too_long limit.")
@click.option("--classifier", "classifier_dir", type=click.Path(file_okay=False),
              help="A folder from 'sciglm classifier train' (default: no classifier step).")
@click.option("--min-score", type=float, default=0.0, show_default=True,
              help="Keep records whose classifier score P(good) − P(bad) is above this.")
@click.option("--max-classifier-drop", type=click.FloatRange(0, 1), default=0.5,
              show_default=True,
              help="Stop with an error (writing nothing) when the classifier would drop more "
                   "than this share of the verified-correct records.")
@click.option("--allow-classifier-drop", is_flag=True,
              help="Go on whatever share of verified-correct records the classifier drops.")
@click.option("--no-dedup", is_flag=True, help="Skip deduplication.")
@click.option("--no-near", is_flag=True, help="Exact duplicates only (no MinHash/LSH).")
@click.option("--near-threshold", type=float, default=0.8, show_default=True,
              help="Estimated Jaccard similarity (5-char shingles) that makes a near duplicate.")
@click.option("--against", multiple=True, metavar="NAME:PATH[:FIELD]",
              help="Evaluation set to decontaminate against (repeatable; default: every "
                   "benchmark 'sciglm eval' knows, from $SCIGLM_DATA).")
@click.option("--no-decontam", is_flag=True, help="Skip decontamination.")
@click.option("--ngram", type=int, default=13, show_default=True, help="n-gram size for overlap.")
@click.option("--decontam-field", "decontam_fields", multiple=True,
              help="Record fields checked for overlap (default: question; add response too).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
def filter_cmd(inputs: tuple[str, ...], output: str, rejected: str | None,
               report_path: str | None, keep_unverified: bool, rule_spec: str, min_chars: int,
               max_chars: int, classifier_dir: str | None, min_score: float,
               max_classifier_drop: float, allow_classifier_drop: bool, no_dedup: bool,
               no_near: bool, near_threshold: float, against: tuple[str, ...],
               no_decontam: bool, ngram: int, decontam_fields: tuple[str, ...],
               as_json: bool) -> None:
    """Keep the good annotations: verified, rule-clean, classifier-approved, unique, and
    free of evaluation-set overlap. Every dropped record goes to --rejected with its reason.

    Several inputs are filtered together, so duplicates are found across them too.

    \b
    Examples:
      sciglm filter annotated.jsonl --output kept.jsonl --rejected rejected.jsonl
      sciglm filter a.jsonl b.jsonl -o kept.jsonl --classifier clf/ --min-score 0.2 \\
          --against mybench:bench.jsonl:problem --rules=-wrong_language

    With --classifier, the kept share of verified-correct records is printed per subject, and
    the run stops (writing nothing) if it would drop more than --max-classifier-drop of them.
    """
    from sciglm.data.annotated import iter_annotated
    from sciglm.data.decontam import NgramIndex
    from sciglm.data.dedup import DedupConfig
    from sciglm.data.pipeline import FilterConfig, run_filter
    from sciglm.data.rules import RuleConfig, parse_rules
    from sciglm.io.jsonl import write_jsonl

    if not 0 < near_threshold <= 1:
        raise SciglmError(f"--near-threshold must be in (0, 1], got {near_threshold}")
    if classifier_dir:
        from sciglm.classifier.base import read_meta

        read_meta(classifier_dir)  # a bad folder fails before any work
    eval_sets = eval_sets_from_options(against, no_decontam)
    # built up front, so a missing or malformed evaluation file stops before any work
    index = NgramIndex(eval_sets, n=ngram) if eval_sets else None
    config = FilterConfig(
        verified_only=not keep_unverified,
        rules=parse_rules(rule_spec),
        rule_config=RuleConfig(min_chars=min_chars, max_chars=max_chars),
        classifier=classifier_dir,
        min_score=min_score,
        max_classifier_drop=None if allow_classifier_drop else max_classifier_drop,
        dedup=None if no_dedup else DedupConfig(near=not no_near, threshold=near_threshold),
        eval_sets=eval_sets,
        ngram=ngram,
        index=index,
        decontam_fields=tuple(decontam_fields) or ("question",),
    )
    started = time.monotonic()
    items = []
    for path in inputs:
        items.extend(iter_annotated(path))
    dropped: list[dict[str, Any]] = []
    kept, report = run_filter(items, config, dropped.append, progress=progress_bar)
    rejected = rejected or str(sidecar(output, "rejected.jsonl"))
    write_jsonl(output, [item.record for item in kept])
    write_jsonl(rejected, dropped)
    data = {"inputs": list(inputs), "output": output, "rejected": rejected,
            "seconds": round(time.monotonic() - started, 2), **report.to_dict()}
    report_file = Path(report_path) if report_path else sidecar(output, "filter.json")
    report_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if as_json:
        print_json(data)
        return
    show_report(data)
    shares = (data.get("classifier") or {}).get("kept_share")
    if shares:
        print_table("verified-correct kept", ["subject", "in", "kept", "share"],
                    [[name, row["in"], row["kept"], f"{row['share']:.1%}"]
                     for name, row in shares.items()])
    console.print(f"kept {len(kept)} of {len(items)} → {output}; rejected {len(dropped)} → "
                  f"{rejected}; report → {report_file}")
