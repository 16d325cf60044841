"""``sciglm classifier data|train|eval``: the instruction-quality classifier."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from typing import Any

import click

from sciglm.cli.common import console, print_json, print_table, progress_bar

DATA_HELP = ("Labelled JSONL (from 'sciglm classifier data', or {\"prompt_answer\", \"label\"}), "
             "or a catalogue NAME:SPLIT such as sciglm-quality:SPLIT (SciGLM's released labels).")


def _kv(values: tuple[str, ...]) -> dict[str, Any]:
    from sciglm.errors import SciglmError

    out: dict[str, Any] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        if not sep:
            raise SciglmError(f"--param {item!r}: expected KEY=VALUE")
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw
    return out


def _fmt(value: float) -> str:
    return "nan" if value != value else f"{value:.4f}"


def _show(title: str, metrics: dict[str, Any]) -> None:
    """The figures, the kept share of verified-correct solutions first."""
    base = metrics["baseline"]
    rows = [["kept share of good (verified-correct)", _fmt(metrics["kept_good_share"]),
             "1.0000" if base["predicts"] == "good" else "0.0000"],
            ["kept share of bad", _fmt(metrics["kept_bad_share"]),
             "1.0000" if base["predicts"] == "good" else "0.0000"]]
    rows += [[name, _fmt(metrics[name]), _fmt(base[name])]
             for name in ("auc", "accuracy", "precision", "recall", "f1")]
    print_table(title, ["metric", "classifier", f"majority ({base['predicts']})"], rows)
    console.print(f"keeps {metrics['kept_good_share']:.1%} of {metrics['positives']} good "
                  f"solutions at threshold {metrics['threshold']}; AUC {_fmt(metrics['auc'])}; "
                  f"n={metrics['n']} ({metrics['questions']} questions)")


def _note_style_cues(data: Any) -> list[str]:
    """Print (and return) a note when a surface marker alone separates the classes."""
    from sciglm.classifier.data import style_cues

    cues = style_cues(data.texts, data.labels)
    if cues:
        console.print(f"[yellow]note:[/] {data.path} carries a style cue ({'; '.join(cues)}): a "
                      "classifier trained on it may learn who wrote a solution, not whether it "
                      "is right; check what it keeps with 'sciglm classifier eval' on verified "
                      "labels from 'sciglm classifier data' (docs/data.md)")
    return cues


def _evaluate(classifier: Any, data: Any, threshold: float) -> dict[str, Any]:
    from sciglm.classifier.metrics import evaluate

    data.require_both_classes()
    started = time.monotonic()
    with progress_bar("score", len(data)) as bar:
        scores = classifier.score(data.texts, advance=bar.advance)
    metrics = evaluate(data.labels, scores, threshold)
    metrics["questions"] = len(set(data.keys))
    metrics["data"] = data.path
    metrics["seconds"] = round(time.monotonic() - started, 2)
    return metrics


@click.group()
def classifier() -> None:
    """Build labels for, train and evaluate the instruction-quality classifier used by
    "sciglm filter --classifier".

    \b
    Example:
      sciglm classifier data annotated.jsonl -o labels.jsonl
      sciglm classifier train --data labels.jsonl --output clf/
      sciglm classifier eval clf/ --data labels.jsonl
    """


@classifier.command()
@click.argument("inputs", nargs=-1, required=True, metavar="ANNOTATED.jsonl...",
                type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Labelled JSONL: question, response, label, split, provenance.")
@click.option("--test-share", type=click.FloatRange(0, 1, max_open=True), default=0.2,
              show_default=True, help="Share of QUESTIONS held out (split 'test').")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the split and of picking attempts.")
@click.option("--judge-labels", is_flag=True,
              help="Where the verifier said null, use the judge's recorded verdict "
                   "(annotations made with --judge).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
def data(inputs: tuple[str, ...], output: str, test_share: float, seed: int,
         judge_labels: bool, as_json: bool) -> None:
    """Label solutions from annotated trajectories: good = the verifier-accepted final solution,
    bad = verifier-rejected attempts of the same question; as many bad as good per question.

    Questions with only good or only bad attempts are left out (counted in the summary).
    Each row keeps its provenance (file:line, id, stage, round, verifier or judge).

    \b
    Example:
      sciglm classifier data run/annotated.jsonl other/annotated.jsonl -o labels.jsonl
    """
    from sciglm.classifier.labels import build_labels
    from sciglm.data.annotated import iter_annotated
    from sciglm.errors import SciglmError
    from sciglm.io.jsonl import write_jsonl

    items = [item for path in inputs for item in iter_annotated(path)]
    rows, summary = build_labels(items, test_share, seed, judge_labels)
    if not rows:
        raise SciglmError(
            f"no question in {', '.join(inputs)} has both a verifier-accepted and a rejected "
            f"solution ({summary.questions} questions, {summary.only_positive} with good only, "
            f"{summary.only_negative} with bad only); nothing to label")
    write_jsonl(output, rows)
    report = {"inputs": list(inputs), "output": output, "n": len(rows),
              "test_share": test_share, "seed": seed, **summary.to_dict()}
    if as_json:
        print_json(report)
        return
    print_table("quality labels", ["rows (label/stage/judged by)", "count"],
                list(report["rows"].items()))
    console.print(f"{len(rows)} rows from {summary.paired} of {summary.questions} questions "
                  f"(train {summary.splits['train']}, test {summary.splits['test']} questions; "
                  f"left out: {summary.only_positive} good-only, {summary.only_negative} "
                  f"bad-only) → {output}")


@classifier.command()
@click.option("--data", "data_path", required=True, help=DATA_HELP +
              " Rows with split 'test' are held out.")
@click.option("--eval", "eval_path",
              help="Held-out labelled data (default: the 'test' rows of --data, if any).")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for the fitted classifier.")
@click.option("--kind", type=click.Choice(["tfidf", "lm"]), default="tfidf", show_default=True,
              help="tfidf: char n-grams + logistic regression (fast, CPU); "
                   "lm: fine-tuned causal LM (the paper's).")
@click.option("--model", default=None,
              help="lm: HF causal LM folder or name ('embedded' = SmolLM2-135M, the default).")
@click.option("--deepspeed", type=click.Path(dir_okay=False, exists=True),
              help="lm: DeepSpeed config, e.g. training/ds_zero3.json (as for 'sciglm train').")
@click.option("--precision", type=click.Choice(["auto", "bf16", "fp16", "fp32"]), default=None,
              help="lm: auto (default) = bf16 on GPUs that have it, else fp16; fp32 on CPU.")
@click.option("--gradient-checkpointing", is_flag=True,
              help="lm: recompute activations.")
@click.option("--epochs", type=float, default=None, help="lm: epochs when --max-steps is -1.")
@click.option("--max-steps", type=int, default=None,
              help="lm: training steps (default 60; -1 = run --epochs).")
@click.option("--learning-rate", "--lr", "learning_rate", type=float, default=None,
              help="lm: default 5e-5 (the original: 3e-6 for 6B).")
@click.option("--per-device-batch-size", "batch_size", type=int, default=None,
              help="lm: default 8.")
@click.option("--gradient-accumulation-steps", type=int, default=None, help="lm: default 1.")
@click.option("--max-length", type=int, default=None,
              help="lm: tokens per example (default 256; the original: 1024).")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Other parameters, e.g. --param C=2 (tfidf) or --param seed=1.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def train(data_path: str, eval_path: str | None, output: str, kind: str, params: tuple[str, ...],
          as_json: bool, **lm_options: Any) -> None:
    """Fit a classifier on labelled texts, save it to OUTPUT (with the sciglm version and the
    training questions), then evaluate it on held-out questions.

    \b
    Examples:
      sciglm classifier train --data labels.jsonl --output clf/
      sciglm classifier train --kind lm --model embedded --max-steps 30 \\
          --data labels.jsonl --output clf-lm/
      deepspeed --num_gpus 8 --no_local_rank --module sciglm.cli.main classifier train \\
          --kind lm --model models/chatglm3-6b-base-glm --deepspeed training/ds_zero3.json \\
          --precision bf16 --gradient-checkpointing --max-steps -1 --epochs 2 --lr 3e-6 \\
          --max-length 1024 --data labels.jsonl --output clf-6b/
    """
    from sciglm.classifier.base import (
        make_classifier,
        read_meta,
        save_question_keys,
        write_meta,
    )
    from sciglm.classifier.data import check_disjoint, class_counts, load_labelled
    from sciglm.classifier.lm_train import is_main_process
    from sciglm.errors import SciglmError

    extra = _kv(params)
    given = {k: v for k, v in lm_options.items() if v is not None and v is not False}
    if kind == "lm":
        extra.update(given)
    elif given:
        raise SciglmError(f"--{next(iter(given)).replace('_', '-')} is an option of --kind lm")
    everything = load_labelled(data_path)
    train_set = everything.select("train") if everything.has_splits else everything
    train_set.require_both_classes()
    held_out = load_labelled(eval_path) if eval_path else (
        everything.select("test") if everything.has_splits else None)
    if held_out is not None:  # fail on bad held-out data before a long training run
        held_out.require_both_classes()
        check_disjoint(train_set.keys, held_out)
    cues = _note_style_cues(train_set)
    clf = make_classifier(kind, **extra)
    started = time.monotonic()
    total = clf.params.get("max_steps", len(train_set))
    with progress_bar(f"train {kind}", total if total and total > 0 else None) as bar, \
            contextlib.redirect_stdout(sys.stderr):  # libraries print; stdout is for results
        facts = clf.fit(train_set.texts, train_set.labels, advance=bar.advance)
    facts["seconds"] = round(time.monotonic() - started, 2)
    info: dict[str, Any] = {"train": {"data": train_set.path, "n": len(train_set),
                                      "questions": len(set(train_set.keys)),
                                      **class_counts(train_set.labels), **facts}}
    if cues:
        info["train"]["style_cues"] = cues
    with contextlib.redirect_stdout(sys.stderr):
        folder = clf.save(output, info)
    if not is_main_process():
        return  # under a launcher, rank 0 evaluates and reports
    save_question_keys(folder, train_set.keys)
    if held_out is not None:
        if getattr(clf, "sharded", False):  # trained under DeepSpeed: score the saved model
            clf._load_model(folder)
        info["eval"] = _evaluate(clf, held_out, 0.0)
        meta = read_meta(folder)
        meta["eval"] = info["eval"]
        write_meta(folder, meta)
    if as_json:
        print_json({"output": str(folder), **info})
        return
    console.print(f"trained {kind} on {len(train_set)} texts in {facts['seconds']} s → {folder}")
    if held_out is not None:
        _show(f"{kind} on held-out {held_out.path}", info["eval"])


@classifier.command(name="eval")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--data", "data_path", required=True, help=DATA_HELP)
@click.option("--split", type=click.Choice(["test", "train", "all"]), default="test",
              show_default=True,
              help="Rows of --data to score when it has splits (files without splits: all).")
@click.option("--threshold", type=float, default=0.0, show_default=True,
              help="Predict 'good' when the score (P(good) − P(bad)) is above this.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON on stdout.")
def eval_cmd(folder: str, data_path: str, split: str, threshold: float, as_json: bool) -> None:
    """Score held-out labelled texts with a saved classifier: first the share of good
    (verified-correct) solutions it keeps at the threshold, then AUC, accuracy, P/R/F1 against
    the majority baseline. A question the classifier was trained on stops the evaluation.

    \b
    Example:
      sciglm classifier eval clf/ --data labels.jsonl --json
    """
    from sciglm.classifier.base import load_classifier, training_question_keys
    from sciglm.classifier.data import check_disjoint, load_labelled

    clf, meta = load_classifier(folder)
    data = load_labelled(data_path)
    if data.has_splits and split != "all":
        data = data.select(split)
    check_disjoint(training_question_keys(folder), data, f"the training data of {folder}")
    metrics = _evaluate(clf, data, threshold)
    metrics["classifier"] = {"folder": folder, "kind": meta["kind"],
                             "sciglm_version": meta.get("sciglm_version")}
    if as_json:
        print_json(metrics)
    else:
        _show(f"{meta['kind']} classifier on {data.path}", metrics)
