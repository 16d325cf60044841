"""The data card: counts per subject/source/stage, length histograms (PNG) and filter effects."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sciglm import __version__
from sciglm.data.mix import MixRow


def counts(rows: Sequence[MixRow]) -> dict[str, dict[str, int]]:
    """Rows per subject, per source and per annotation stage."""
    return {key: dict(Counter(getattr(r, key) for r in rows).most_common())
            for key in ("subject", "source", "stage")}


def plot_lengths(rows: Sequence[MixRow], path: Path) -> None:
    """Histograms of question and solution length (characters), one series per subject."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    subjects = sorted({r.subject for r in rows})
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, attr, title in ((axes[0], "content", "question (content)"),
                            (axes[1], "summary", "solution (summary)")):
        data = [[len(getattr(r, attr)) for r in rows if r.subject == s] for s in subjects]
        if any(data):
            ax.hist(data, bins=40, label=subjects, histtype="step", linewidth=1.5, log=True)
        ax.set_title(f"{title} length")
        ax.set_xlabel("characters")
        ax.set_ylabel("examples (log)")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_counts(table: dict[str, dict[str, int]], path: Path) -> None:
    """Bar charts of the per-subject, per-source and per-stage counts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for ax, (key, values) in zip(axes, table.items(), strict=False):
        ax.bar(list(values), list(values.values()))
        ax.set_title(f"examples per {key}")
        ax.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def render(stats: dict[str, Any]) -> str:
    """The Markdown card from the statistics ``sciglm mix`` collects (also saved as mix.json)."""
    out = ["# Data card: sciglm training mixture", "",
           f"Built by sciglm {__version__} with `{stats['command']}` (seed {stats['seed']}).",
           f"Total examples: **{stats['total']}** in `train.jsonl` (SciInstruct format) and "
           "`dataset/` (HF datasets, with provenance columns).", ""]
    out += ["## Examples per subject", ""]
    out += _table(["subject", "after filtering", "weight", "in mixture"],
                  [[s, stats["available"].get(s, 0), stats["weights"].get(s, 1.0), n]
                   for s, n in stats["counts"]["subject"].items()])
    for key in ("source", "stage"):
        out += ["", f"## Examples per {key}", ""]
        out += _table([key, "examples"], list(stats["counts"][key].items()))
    out += ["", "## Lengths (characters)", "", "![lengths](lengths.png) ![counts](counts.png)", ""]
    out += _table(["field", "min", "median", "max"],
                  [[k, v["min"], v["median"], v["max"]] for k, v in stats["lengths"].items()])
    out += ["", "## Filters' effect", ""]
    for name, report in stats["filters"].items():
        if report is None:
            out.append(f"- `{name}`: no filter report found beside it")
            continue
        out += [f"### {name}", ""]
        out += _table(["step", "in", "dropped", "kept", "reasons"],
                      [[s["step"], s["input"], s["dropped"], s["kept"],
                        "; ".join(f"{k}: {v}" for k, v in s["reasons"].items())]
                       for s in report["steps"]])
        out.append("")
    mixing = stats["mix_steps"]
    out += ["### At mixing time (across inputs)", ""]
    out += _table(["step", "in", "dropped", "kept", "reasons"],
                  [[s["step"], s["input"], s["dropped"], s["kept"],
                    "; ".join(f"{k}: {v}" for k, v in s["reasons"].items())] for s in mixing])
    out += ["", "## Decontamination", ""]
    decon = stats.get("decontamination")
    if decon:
        out.append(f"{decon['n']}-gram overlap of questions against: " + ", ".join(
            f"{k} ({v})" for k, v in decon["eval_sets"].items()) + ". "
            f"Overlapping examples left in the mixture: **{stats['overlap_after']}**.")
    else:
        out.append("Not run at mixing time (no evaluation sets).")
    for note in stats.get("notes", []):
        out += ["", f"Note: {note}"]
    return "\n".join(out) + "\n"
