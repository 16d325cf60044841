"""Loss and learning-rate curves: a CSV written as training goes, and a PNG at the end."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

FIELDS = ("step", "epoch", "loss", "learning_rate", "grad_norm")


def append_row(path: Path, log: dict[str, Any], step: int) -> None:
    """Append one logged training step (only logs that carry a loss)."""
    if "loss" not in log:
        return
    new = not path.exists()
    with open(path, "a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        if new:
            writer.writeheader()
        writer.writerow({"step": step, **{k: log.get(k, "") for k in FIELDS if k != "step"}})


def read_rows(path: Path) -> list[dict[str, float]]:
    """The CSV back as numbers; a resumed run's repeated steps keep their last value."""
    by_step: dict[int, dict[str, float]] = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            step = int(row["step"])
            by_step[step] = {k: float(v) for k, v in row.items() if v not in ("", None)}
    return [by_step[s] for s in sorted(by_step)]


def plot(csv_path: Path, png_path: Path) -> Path | None:
    """Loss and learning rate against step, as one PNG with two panels."""
    if not csv_path.exists():
        return None
    rows = read_rows(csv_path)
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = [r["step"] for r in rows]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    top.plot(steps, [r.get("loss", float("nan")) for r in rows], color="tab:blue")
    top.set_ylabel("training loss")
    top.grid(alpha=0.3)
    bottom.plot(steps, [r.get("learning_rate", float("nan")) for r in rows], color="tab:orange")
    bottom.set_ylabel("learning rate")
    bottom.set_xlabel("optimizer step")
    bottom.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(png_path, dpi=100)
    plt.close(fig)
    return png_path
