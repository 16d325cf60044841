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
@click.option("--input", "input_specs", multiple=True, required=True, metavar="[SUBJECT=]PATH",
              help="Filtered records of one subject (repeatable; a subject may repeat); a bare "
                   "PATH uses each record's own 'subject' field. 'sciinstruct' (or "
                   "'hf:zd21/SciInstruct', 'sciinstruct:cn_math') or a released .json file adds "
                   "the released SciInstruct, subject from the file name.")
@click.option("--weights", default=None, metavar="S=W,...",
              help="Per-subject multipliers: 2 = every example twice, 0.5 = a random half.")
@click.option("--general", "general_path", type=click.Path(dir_okay=False),
              help="General-domain data ({content,summary}, {instruction,output}, ...).")
@click.option("--general-ratio", type=float, default=0.0, show_default=True,
              help="General examples per science example.")
@click.option("--seed", type=int, default=0, show_default=True, help="Sampling and shuffle seed.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for train.jsonl, dataset/, data_card.md, PNGs and mix.json.")
@click.option("--no-dedup", is_flag=True, help="Skip the cross-input deduplication.")
@click.option("--against", multiple=True, metavar="NAME:PATH[:FIELD]",
              help="Evaluation sets for the final decontamination (default: as in sciglm filter).")
@click.option("--no-decontam", is_flag=True, help="Skip the final decontamination.")
@click.option("--ngram", type=int, default=13, show_default=True, help="n-gram size for overlap.")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON on stdout.")
def mix(input_specs: tuple[str, ...], weights: str | None, general_path: str | None,
        general_ratio: float, seed: int, output: str, no_dedup: bool, against: tuple[str, ...],
        no_decontam: bool, ngram: int, as_json: bool) -> None:
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
    from sciglm.data.pipeline import FilterConfig, run_filter
    from sciglm.io.jsonl import write_jsonl

    out = Path(output)
    pairs, released = [], []
    for subject, spec in _inputs(input_specs):
        expanded, provenance = expand_input(subject, spec, out / "inputs")
        pairs += expanded
        released += [provenance] if provenance else []
    weight_map = parse_weights(weights)
    if general_ratio < 0 or (general_ratio and not general_path):
        raise SciglmError("--general-ratio needs --general and must be >= 0")
    for _, path in pairs:
        load_rows(path, "check")  # every input is well-formed before any work
    general = load_general(general_path) if general_path else None
    items = []
    subject_of: dict[int, str] = {}
    for subject, path in pairs:
        for item in iter_annotated(path):
            subject_of[id(item)] = subject or item.subject or Path(path).stem
            items.append(item)
    eval_sets = eval_sets_from_options(against, no_decontam)
    index = NgramIndex(eval_sets, n=ngram) if eval_sets else None
    config = FilterConfig(verified_only=False, rules=[], dedup=None if no_dedup else DedupConfig(),
                          eval_sets=eval_sets, ngram=ngram, index=index)
    dropped: list[dict[str, Any]] = []
    kept, report = run_filter(items, config, dropped.append, progress=progress_bar)
    by_subject: dict[str, list] = {subject_of[id(item)]: [] for item in items}
    for item in kept:
        by_subject[subject_of[id(item)]].append(row_from_record(item.record, subject_of[id(item)],
                                                                Path(item.path).stem))
    result = do_mix(by_subject, weight_map, general, general_ratio, seed)

    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "train.jsonl", [{"content": r.content, "summary": r.summary}
                                      for r in result.rows])
    write_jsonl(out / "rejected.jsonl", dropped)
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
        "seed": seed, "total": len(result.rows), "counts": table, "released_inputs": released,
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
    if as_json:
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
