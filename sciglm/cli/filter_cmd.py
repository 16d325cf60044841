"""``sciglm filter``: verified → rules → classifier → dedup → decontamination, with reasons."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from sciglm.cli.common import console, print_json, print_table, progress_bar
from sciglm.config import click_options, from_values
from sciglm.data.filter_config import FilterConfig
from sciglm.errors import SciglmError


def sidecar(output: str | Path, suffix: str) -> Path:
    """``kept.jsonl`` → ``kept.<suffix>`` beside it."""
    output = Path(output)
    stem = output.name[:-6] if output.name.endswith(".jsonl") else output.name
    return output.with_name(f"{stem}.{suffix}")


def eval_sets_from_options(against: tuple[str, ...], no_decontam: bool,
                           data_dir: str | None = None) -> list[Any]:
    """``--against`` sets, else the default ones; warns (never silently skips) when none exist."""
    from sciglm.catalog.data import data_roots
    from sciglm.data.decontam import default_eval_sets, parse_eval_set

    if no_decontam:
        return []
    sets = [parse_eval_set(spec) for spec in against] or default_eval_sets(data_dir)
    if not sets:
        where = ", ".join(f"{kind} {root}" for kind, root in data_roots(data_dir))
        console.print("[yellow]warning:[/] no evaluation sets found (none given with --against, "
                      f"no benchmark file in {where}; set --data-dir / $SCIGLM_DATA or "
                      "'sciglm data pull NAME'); decontamination skipped")
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
@click_options(FilterConfig)
def filter_cmd(inputs: tuple[str, ...], **values: Any) -> None:
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
    from sciglm.data.pipeline import run_filter
    from sciglm.io.jsonl import write_jsonl
    from sciglm.io.paths import check_output

    config = from_values(FilterConfig, values)
    output = config.output
    rejected = config.rejected or str(sidecar(output, "rejected.jsonl"))
    report_file = Path(config.report_path) if config.report_path else sidecar(output, "filter.json")
    for target in (output, rejected, report_file):  # before the classifier and the n-gram index
        check_output(target, inputs=inputs)
    if config.classifier_dir:
        from sciglm.classifier.base import read_meta

        read_meta(config.classifier_dir)  # a bad folder fails before any work
    eval_sets = eval_sets_from_options(config.against, config.no_decontam, config.data_dir)
    # built up front, so a missing or malformed evaluation file stops before any work
    index = NgramIndex(eval_sets, n=config.ngram) if eval_sets else None
    steps = config.steps(index)
    started = time.monotonic()
    items = []
    for path in inputs:
        items.extend(iter_annotated(path))
    dropped: list[dict[str, Any]] = []
    kept, report = run_filter(items, steps, dropped.append, progress=progress_bar)
    write_jsonl(output, [item.record for item in kept])
    write_jsonl(rejected, dropped)
    data = {"inputs": list(inputs), "output": output, "rejected": rejected,
            "seconds": round(time.monotonic() - started, 2), **report.to_dict()}
    report_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if config.as_json:
        print_json(data)
    else:
        show_report(data)
    if not kept:  # mix and train cannot use an empty file: say so, never a quiet success
        raise SciglmError(f"no record kept of {len(items)} ({len(dropped)} rejected, reasons "
                          f"in {rejected}); nothing for 'sciglm mix' to use")
    if config.as_json:
        return
    shares = (data.get("classifier") or {}).get("kept_share")
    if shares:
        print_table("verified-correct kept", ["subject", "in", "kept", "share"],
                    [[name, row["in"], row["kept"], f"{row['share']:.1%}"]
                     for name, row in shares.items()])
    console.print(f"kept {len(kept)} of {len(items)} → {output}; rejected {len(dropped)} → "
                  f"{rejected}; report → {report_file}")
