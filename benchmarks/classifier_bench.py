"""Quality classifiers side by side: labels from verified trajectories vs SciGLM's released labels.

Runs the CLI as a user would (``sciglm classifier data|train|eval --json``) and prints, for each
classifier (tf-idf, LM) and each training set, what it keeps of the *verified-correct* held-out
solutions, what it keeps of the rejected ones, AUC and accuracy — on held-out questions of the
verified labels and, for the released classifier, on the released test file too.

    python benchmarks/classifier_bench.py --annotated gsm.annotated.jsonl \\
        --released-dir $SCIGLM_DATA/sciglm-quality --out /tmp/clf-bench [--lm-steps 30]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path


def sciglm(*args: str) -> dict:
    """Run ``sciglm ARGS --json``; its JSON result (stderr is shown on failure)."""
    proc = subprocess.run([sys.executable, "-m", "sciglm.cli.main", *args, "--json"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"sciglm {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


def head(path: Path, n: int, out: Path) -> Path:
    """The first ``n`` lines of a JSONL file (scoring all of a big file with an LM on CPU is
    slow); the released files keep each question's rows together, so this stays by question."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[:n]
    out.write_text("".join(lines), encoding="utf-8")
    return out


def row(name: str, on: str, figures: dict, seconds: float) -> list[str]:
    return [name, on, f"{figures['n']} ({figures['questions']} q)",
            f"{figures['kept_good_share']:.3f}", f"{figures['kept_bad_share']:.3f}",
            f"{figures['auc']:.3f}", f"{figures['accuracy']:.3f}",
            f"{figures['baseline']['accuracy']:.3f}", f"{seconds:.0f}"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--annotated", nargs="+", required=True, help="sciglm annotate output(s)")
    ap.add_argument("--references", nargs="*", default=[],
                    help="annotated-format reference solutions of the same questions "
                         "(python -m sciglm.data.reference): a second, cheaper label set, "
                         "human worked solutions as extra positives")
    ap.add_argument("--released-dir", required=True, type=Path,
                    help="folder with rm_valid.jsonl and rm_test.jsonl (sciglm-quality)")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--test-share", default="0.3")
    ap.add_argument("--lm-steps", type=int, default=30, help="0 skips the LM classifiers")
    ap.add_argument("--lm-model", default="embedded")
    ap.add_argument("--released-test-rows", type=int, default=120,
                    help="rows of rm_test scored by the LM (all 942 for tf-idf)")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    sets = {"verified": a.annotated}
    if a.references:
        sets["verified+reference"] = [*a.annotated, *a.references]
    labels: dict[str, Path] = {}
    for name, inputs in sets.items():
        labels[name] = a.out / f"labels-{name}.jsonl"
        built = sciglm("classifier", "data", *inputs, "-o", str(labels[name]),
                       "--test-share", a.test_share)
        print(f"{name} labels: {built['n']} rows from {built['paired_questions']} of "
              f"{built['questions']} questions; rows {built['rows']}; "
              f"questions per split {built['split_questions']}", file=sys.stderr)
    released_test = a.released_dir / "rm_test.jsonl"
    training = {**labels, "released": a.released_dir / "rm_valid.jsonl"}
    lm = ["--kind", "lm", "--model", a.lm_model, "--max-steps", str(a.lm_steps),
          "--per-device-batch-size", "4", "--max-length", "256", "--lr", "5e-5"]
    runs = [("tfidf", [], name) for name in training]
    if a.lm_steps > 0:
        runs += [("lm", lm, name) for name in (list(labels)[-1], "released")]
    header = ["classifier ← trained on", "evaluated on", "n", "kept good", "kept bad", "AUC",
              "accuracy", "majority acc", "score s"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header), flush=True)
    results = []
    for kind, options, trained_on in runs:
        folder = a.out / f"{kind}-{trained_on}"
        started = time.monotonic()
        trained = sciglm("classifier", "train", "--kind", kind, *options,
                         "--data", str(training[trained_on]), "-o", str(folder))
        print(f"{kind} on {trained_on}: trained in {time.monotonic() - started:.0f} s "
              f"({trained['train'].get('steps', '-')} steps); style cues in its training "
              f"data: {trained['train'].get('style_cues', 'none')}", file=sys.stderr)
        targets = {f"{name} test": path for name, path in labels.items()}
        if trained_on == "released":
            targets["released test"] = released_test if kind == "tfidf" else head(
                released_test, a.released_test_rows, a.out / "rm_test_head.jsonl")
        for on, path in targets.items():
            started = time.monotonic()
            figures = sciglm("classifier", "eval", str(folder), "--data", str(path))
            results.append(row(f"{kind} ← {trained_on}", on, figures,
                               time.monotonic() - started))
            print("| " + " | ".join(results[-1]) + " |", flush=True)  # as soon as measured
    by = {(r[0], r[1]): r for r in results}
    for kind, _, trained_on in runs:
        if trained_on == "released":
            continue
        on = f"{trained_on} test"
        ours = float(by[(f"{kind} ← {trained_on}", on)][3])
        theirs = float(by[(f"{kind} ← released", on)][3])
        ratio = f"{ours / theirs:.1f}x" if theirs else "inf (the released-label one keeps none)"
        print(f"{kind}: kept share of verified-correct solutions on {on}, own-label classifier "
              f"/ released-label classifier = {ours:.3f} / {theirs:.3f} = {ratio}")

if __name__ == "__main__":
    main()
