"""``sciglm classifier train|eval``: the instruction-quality classifier."""

from __future__ import annotations

import json
import time
from typing import Any

import click

from sciglm.cli.common import console, print_json, print_table, progress_bar


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


def _show(title: str, metrics: dict[str, Any]) -> None:
    base = metrics["baseline"]
    rows = [[name, f"{metrics[name]:.4f}", f"{base[name]:.4f}"]
            for name in ("accuracy", "precision", "recall", "f1", "auc")]
    print_table(title, ["metric", "classifier", f"majority ({base['predicts']})"], rows)
    console.print(f"n={metrics['n']} positives={metrics['positives']} kept={metrics['kept']} "
                  f"accuracy margin over majority: "
                  f"{metrics['accuracy'] - base['accuracy']:+.4f}")


def _evaluate(classifier: Any, path: str, threshold: float) -> dict[str, Any]:
    from sciglm.classifier.data import load_labelled
    from sciglm.classifier.metrics import evaluate

    texts, labels = load_labelled(path)
    started = time.monotonic()
    with progress_bar("score", len(texts)) as bar:
        scores = classifier.score(texts, advance=bar.advance)
    metrics = evaluate(labels, scores, threshold)
    metrics["data"] = path
    metrics["seconds"] = round(time.monotonic() - started, 2)
    return metrics


@click.group()
def classifier() -> None:
    """Train and evaluate the instruction-quality classifier used by "sciglm filter".

    \b
    Example:
      sciglm classifier train --data ../shared/data/sciglm-quality/rm_valid.jsonl \\
          --eval ../shared/data/sciglm-quality/rm_test.jsonl --output clf/
      sciglm classifier eval clf/ --data ../shared/data/sciglm-quality/rm_test.jsonl
    """


@classifier.command()
@click.option("--data", "data_path", required=True, type=click.Path(dir_okay=False),
              help='Labelled JSONL: {"prompt_answer", "label": 0|1} '
                   'or {"question", "response", "label"}.')
@click.option("--eval", "eval_path", type=click.Path(dir_okay=False),
              help="Labelled JSONL to evaluate on after training (figures saved with the model).")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for the fitted classifier.")
@click.option("--kind", type=click.Choice(["tfidf", "lm"]), default="tfidf", show_default=True,
              help="tfidf: char n-grams + logistic regression (fast); lm: fine-tuned causal LM.")
@click.option("--model", default=None,
              help="For --kind lm: HF causal LM name or path ('embedded' = SmolLM2-135M).")
@click.option("--max-steps", type=int, default=None,
              help="For --kind lm: training steps (default 60).")
@click.option("--max-length", type=int, default=None,
              help="For --kind lm: tokens per example (default 256).")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Other model parameters, e.g. --param C=2 or --param batch_size=4.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def train(data_path: str, eval_path: str | None, output: str, kind: str, model: str | None,
          max_steps: int | None, max_length: int | None, params: tuple[str, ...],
          as_json: bool) -> None:
    """Fit a classifier on labelled texts and save it (with the sciglm version) to OUTPUT.

    \b
    Examples:
      sciglm classifier train --data rm_valid.jsonl --eval rm_test.jsonl --output clf/
      sciglm classifier train --kind lm --model embedded --max-steps 30 \\
          --data rm_valid.jsonl --eval rm_test.jsonl --output clf-lm/
    """
    from sciglm.classifier.base import make_classifier
    from sciglm.classifier.data import load_labelled

    extra = _kv(params)
    if kind == "lm":
        extra.update({k: v for k, v in (("model", model), ("max_steps", max_steps),
                                        ("max_length", max_length)) if v is not None})
    texts, labels = load_labelled(data_path)
    if eval_path:
        load_labelled(eval_path)  # fail on a bad eval file before a long training run
    clf = make_classifier(kind, **extra)
    started = time.monotonic()
    total = clf.params.get("max_steps", len(texts))
    with progress_bar(f"train {kind}", total) as bar:
        facts = clf.fit(texts, labels, advance=bar.advance)
    facts["seconds"] = round(time.monotonic() - started, 2)
    info: dict[str, Any] = {"train": {"data": data_path, "n": len(texts),
                                      "positives": sum(labels), **facts}}
    if eval_path:
        info["eval"] = _evaluate(clf, eval_path, 0.0)
    folder = clf.save(output, info)
    if as_json:
        print_json({"output": str(folder), **info})
        return
    console.print(f"trained {kind} on {len(texts)} texts in {facts['seconds']} s → {folder}")
    if eval_path:
        _show(f"{kind} on {eval_path}", info["eval"])


@classifier.command(name="eval")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--data", "data_path", required=True, type=click.Path(dir_okay=False),
              help="Labelled JSONL to evaluate on.")
@click.option("--threshold", type=float, default=0.0, show_default=True,
              help="Predict 'good' when the score (P(good) − P(bad)) is above this.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON on stdout.")
def eval_cmd(folder: str, data_path: str, threshold: float, as_json: bool) -> None:
    """Score labelled texts with a saved classifier: accuracy, P/R/F1, AUC vs majority baseline.

    \b
    Example:
      sciglm classifier eval clf/ --data ../shared/data/sciglm-quality/rm_test.jsonl --json
    """
    from sciglm.classifier.base import load_classifier

    clf, meta = load_classifier(folder)
    metrics = _evaluate(clf, data_path, threshold)
    metrics["classifier"] = {"folder": folder, "kind": meta["kind"],
                             "sciglm_version": meta.get("sciglm_version")}
    if as_json:
        print_json(metrics)
    else:
        _show(f"{meta['kind']} classifier on {data_path}", metrics)
