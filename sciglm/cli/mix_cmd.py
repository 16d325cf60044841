"""``sciglm mix``: filtered subjects → one training set, HF dataset folder and data card."""

from __future__ import annotations

import json
import shlex
import statistics
import sys
from pathlib import Path
from typing import Any

import click

from sciglm.cli.common import console, print_json, print_table, progress_bar
from sciglm.config import click_options, from_values
from sciglm.data.mix_config import MixConfig
from sciglm.errors import SciglmError


def _inputs(specs: tuple[str, ...]) -> list[tuple[str | None, str]]:
    """``SUBJECT=PATH`` pairs; a bare ``PATH`` takes each record's own ``subject``."""
    pairs: list[tuple[str | None, str]] = []
    for spec in specs:
        subject, sep, path = spec.partition("=")
        if not sep:
            pairs.append((None, spec))
            continue
        if not subject or not path:
            raise SciglmError(f"--input {spec!r}: expected SUBJECT=PATH or PATH")
        pairs.append((subject, path))
    return pairs


def find_report(path: str) -> dict[str, Any] | None:
    """The ``sciglm filter`` report that produced ``path``: ``NAME.filter.json`` beside it, or
    any JSON file in its folder (e.g. one named with ``--report``) whose ``output`` is ``path``."""
    from sciglm.cli.filter_cmd import sidecar

    target = Path(path).resolve()
    candidates = [sidecar(path, "filter.json")]
    candidates += sorted(Path(path).parent.glob("*.json"))[:50]
    for candidate in candidates:
        if not candidate.is_file() or candidate.stat().st_size > 50_000_000:
            continue
        try:
            report = json.loads(candidate.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if (isinstance(report, dict) and isinstance(report.get("steps"), list)
                and isinstance(report.get("output"), str)
                and (candidate == candidates[0] or Path(report["output"]).resolve() == target)):
            return report
    return None


def _lengths(values: list[int]) -> dict[str, int]:
    if not values:
        return {"min": 0, "median": 0, "max": 0}
    return {"min": min(values), "median": int(statistics.median(values)), "max": max(values)}


@click.command()
@click_options(MixConfig)
def mix(**values: Any) -> None:
    """Mix filtered subjects into one training set in the SciInstruct format.

    Duplicates across inputs and any question overlapping an evaluation set are dropped again
    (to OUTPUT/rejected.jsonl, with reasons) so the mixture is clean whatever its inputs.

    \b
    Examples:
      sciglm mix --input math=math.kept.jsonl --input physics=phys.kept.jsonl \\
          --weights math=1,physics=2 --seed 1 --output mix/
      sciglm mix --input math=kept.jsonl --general chat.jsonl --general-ratio 0.2 -o mix/
      sciglm mix --input sciinstruct --input math=kept.jsonl -o mix/
    """
    from sciglm.cli.filter_cmd import eval_sets_from_options
    from sciglm.data.annotated import iter_annotated
    from sciglm.data.card import counts, plot_counts, plot_lengths, render
    from sciglm.data.decontam import NgramIndex
    from sciglm.data.dedup import DedupConfig
    from sciglm.data.mix import (
        expand_input,
        load_general,
        load_rows,
        parse_weights,
        row_from_record,
    )
    from sciglm.data.mix import mix as do_mix
    from sciglm.data.pipeline import FilterSteps, run_filter
    from sciglm.io.jsonl import write_jsonl
    from sciglm.io.paths import check_output

    config = from_values(MixConfig, values)
    out = check_output(config.output, "dir")
    pairs, released = [], []
    for subject, spec in _inputs(config.input_specs):
        expanded, provenance = expand_input(subject, spec, out / "inputs", config.data_dir)
        pairs += expanded
        released += [provenance] if provenance else []
    weight_map = parse_weights(config.weights)
    for _, path in pairs:
        load_rows(path, "check")  # every input is well-formed before any work
    general = load_general(config.general_path) if config.general_path else None
    items = []
    subject_of: dict[int, str] = {}
    for subject, path in pairs:
        for item in iter_annotated(path):
            subject_of[id(item)] = subject or item.subject or Path(path).stem
            items.append(item)
    eval_sets = eval_sets_from_options(config.against, config.no_decontam, config.data_dir)
    index = NgramIndex(eval_sets, n=config.ngram) if eval_sets else None
    steps = FilterSteps(dedup=None if config.no_dedup else DedupConfig(), decontam=index)
    dropped: list[dict[str, Any]] = []
    kept, report = run_filter(items, steps, dropped.append, progress=progress_bar)
    by_subject: dict[str, list] = {subject_of[id(item)]: [] for item in items}
    for item in kept:
        by_subject[subject_of[id(item)]].append(row_from_record(item.record, subject_of[id(item)],
                                                                Path(item.path).stem))
    result = do_mix(by_subject, weight_map, general, config.general_ratio, config.seed)

    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "rejected.jsonl", dropped)
    if not result.rows:  # train cannot use an empty mixture: say so, never a quiet success
        raise SciglmError(f"the mixture is empty: {len(items)} input record(s), "
                          f"{len(dropped)} dropped at mixing (reasons in "
                          f"{out / 'rejected.jsonl'}); nothing written for 'sciglm train'")
    write_jsonl(out / "train.jsonl", [{"content": r.content, "summary": r.summary}
                                      for r in result.rows])
    _save_dataset(out / "dataset", [r.to_dict() for r in result.rows])
    overlap_after = None
    if index is not None:
        with progress_bar("check overlap", len(result.rows)) as bar:
            hits = index.check([r.content for r in result.rows], advance=bar.advance)
        overlap_after = sum(h is not None for h in hits)
    table = counts(result.rows)
    plot_lengths(result.rows, out / "lengths.png")
    plot_counts(table, out / "counts.png")
    filters = {path: find_report(path) for _, path in pairs}
    mixed = report.to_dict()
    stats = {
        "command": "sciglm " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
        "seed": config.seed, "total": len(result.rows), "counts": table,
        "released_inputs": released,
        "available": result.available, "selected": result.selected,
        "weights": {s: weight_map.get(s, 1.0) for s in by_subject},
        "lengths": {"content": _lengths([len(r.content) for r in result.rows]),
                    "summary": _lengths([len(r.summary) for r in result.rows])},
        "filters": filters, "mix_steps": mixed["steps"][1:],
        "decontamination": mixed.get("decontamination"),
        "overlap_after": overlap_after, "notes": result.notes,
        "dedup_clusters": mixed["dedup_clusters"], "decontamination_hits": mixed[
            "decontamination_hits"],
    }
    (out / "mix.json").write_text(json.dumps(stats, indent=2, ensure_ascii=False) + "\n")
    (out / "data_card.md").write_text(render(stats), encoding="utf-8")
    if config.as_json:
        print_json({k: v for k, v in stats.items() if k not in ("dedup_clusters",
                                                              "decontamination_hits")})
        return
    print_table("mixture", ["subject", "after filtering", "weight", "in mixture"],
                [[s, result.available.get(s, 0), stats["weights"].get(s, 1.0), n]
                 for s, n in result.selected.items()])
    for note in result.notes:
        console.print(f"[yellow]note:[/] {note}")
    console.print(f"{len(result.rows)} examples → {out / 'train.jsonl'}, {out / 'dataset'}, "
                  f"{out / 'data_card.md'}; dropped at mixing: {len(dropped)}")


def _save_dataset(folder: Path, rows: list[dict[str, Any]]) -> None:
    """An HF datasets folder (``save_to_disk``) with the provenance columns."""
    import datasets

    datasets.disable_progress_bars()
    features = datasets.Features({
        "content": datasets.Value("string"), "summary": datasets.Value("string"),
        "subject": datasets.Value("string"), "source": datasets.Value("string"),
        "stage": datasets.Value("string"), "teacher": datasets.Value("string"),
        "score": datasets.Value("float64"), "id": datasets.Value("string")})
    columns = {name: [row[name] for row in rows] for name in features}
    datasets.Dataset.from_dict(columns, features=features).save_to_disk(str(folder))
