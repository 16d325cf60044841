"""``sciglm classifier data|train|eval``: the instruction-quality classifier."""

from __future__ import annotations

import contextlib
import sys
import time
from typing import Any

import click

from sciglm.classifier.config import (
    THRESHOLD,
    ClassifierDataConfig,
    ClassifierEvalConfig,
    ClassifierTrainConfig,
    LMClassifierConfig,
)
from sciglm.cli.common import console, print_json, print_table, progress_bar
from sciglm.config import click_options, from_values


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
@click_options(ClassifierDataConfig)
def data(inputs: tuple[str, ...], **values: Any) -> None:
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
    from sciglm.io.paths import check_output

    config = from_values(ClassifierDataConfig, values)
    output, test_share = config.output, config.test_share
    check_output(output, inputs=inputs)
    items = [item for path in inputs for item in iter_annotated(path)]
    rows, summary = build_labels(items, test_share, config.seed, config.judge_labels)
    if not rows:
        raise SciglmError(
            f"no question in {', '.join(inputs)} has both a verifier-accepted and a rejected "
            f"solution ({summary.questions} questions, {summary.only_positive} with good only, "
            f"{summary.only_negative} with bad only); nothing to label")
    write_jsonl(output, rows)
    report = {"inputs": list(inputs), "output": output, "n": len(rows),
              "test_share": test_share, "seed": config.seed, **summary.to_dict()}
    if config.as_json:
        print_json(report)
        return
    print_table("quality labels", ["rows (label/stage/judged by)", "count"],
                list(report["rows"].items()))
    console.print(f"{len(rows)} rows from {summary.paired} of {summary.questions} questions "
                  f"(train {summary.splits['train']}, test {summary.splits['test']} questions; "
                  f"left out: {summary.only_positive} good-only, {summary.only_negative} "
                  f"bad-only) → {output}")


@classifier.command()
@click_options(ClassifierTrainConfig, only=("data_path", "eval_path", "output", "kind"))
@click_options(LMClassifierConfig)  # between --kind and --param
@click_options(ClassifierTrainConfig, only=("params", "as_json"))
def train(**values: Any) -> None:
    """Fit a classifier on labelled texts, save it to OUTPUT (with the sciglm version and the
    training questions), then evaluate it on held-out questions.

    \b
    Examples:
      sciglm classifier train --data labels.jsonl --output clf/
      sciglm classifier train --kind lm --model embedded --max-steps 30 \\
          --data labels.jsonl --output clf-lm/
      deepspeed --num_gpus 8 --no_local_rank --module sciglm.cli.main classifier train \\
          --kind lm --model models/chatglm3-6b-base-glm --deepspeed zero3 \\
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
    from sciglm.io.paths import check_output

    config = from_values(ClassifierTrainConfig, values)
    kind, output, eval_path = config.kind, config.output, config.eval_path
    check_output(output, "dir")  # before the data and a long training run
    params = config.classifier_params()
    everything = load_labelled(config.data_path)
    train_set = everything.select("train") if everything.has_splits else everything
    train_set.require_both_classes()
    held_out = load_labelled(eval_path) if eval_path else (
        everything.select("test") if everything.has_splits else None)
    if held_out is not None:  # fail on bad held-out data before a long training run
        held_out.require_both_classes()
        check_disjoint(train_set.keys, held_out)
    cues = _note_style_cues(train_set)
    clf = make_classifier(kind, **params)
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
        info["eval"] = _evaluate(clf, held_out, THRESHOLD)
        meta = read_meta(folder)
        meta["eval"] = info["eval"]
        write_meta(folder, meta)
    if config.as_json:
        print_json({"output": str(folder), **info})
        return
    console.print(f"trained {kind} on {len(train_set)} texts in {facts['seconds']} s → {folder}")
    if held_out is not None:
        _show(f"{kind} on held-out {held_out.path}", info["eval"])


@classifier.command(name="eval")
@click.argument("folder", type=click.Path(file_okay=False))
@click_options(ClassifierEvalConfig)
def eval_cmd(folder: str, **values: Any) -> None:
    """Score held-out labelled texts with a saved classifier: first the share of good
    (verified-correct) solutions it keeps at the threshold, then AUC, accuracy, P/R/F1 against
    the majority baseline. A question the classifier was trained on stops the evaluation.

    \b
    Example:
      sciglm classifier eval clf/ --data labels.jsonl --json
    """
    from sciglm.classifier.base import load_classifier, training_question_keys
    from sciglm.classifier.data import check_disjoint, load_labelled

    config = from_values(ClassifierEvalConfig, values)
    clf, meta = load_classifier(folder)
    data = load_labelled(config.data_path)
    if data.has_splits and config.split != "all":
        data = data.select(config.split)
    check_disjoint(training_question_keys(folder), data, f"the training data of {folder}")
    metrics = _evaluate(clf, data, config.threshold)
    metrics["classifier"] = {"folder": folder, "kind": meta["kind"],
                             "sciglm_version": meta.get("sciglm_version")}
    if config.as_json:
        print_json(metrics)
    else:
        _show(f"{meta['kind']} classifier on {data.path}", metrics)
