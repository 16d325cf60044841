"""Classifier figures. First the share of verified-correct (good) solutions the classifier keeps at
the threshold — what a filter costs — then AUC, accuracy, precision/recall/F1 of the good class,
and the majority baseline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, precision_recall_fscore_support, roc_auc_score

from sciglm.classifier.config import THRESHOLD


def evaluate(labels: Sequence[int], scores: Sequence[float],
             threshold: float = THRESHOLD) -> dict[str, Any]:
    """Figures for ``score > threshold`` as the prediction "good", and the majority baseline."""
    y = np.asarray(labels, dtype=int)
    s = np.asarray(scores, dtype=float)
    pred = (s > threshold).astype(int)
    precision, recall, f1, _ = precision_recall_fscore_support(
        y, pred, average="binary", zero_division=0)
    majority = int(y.mean() >= 0.5)
    base_pred = np.full_like(y, majority)
    b_precision, b_recall, b_f1, _ = precision_recall_fscore_support(
        y, base_pred, average="binary", zero_division=0)
    auc = float(roc_auc_score(y, s)) if len(set(y.tolist())) == 2 else float("nan")
    positives = int(y.sum())
    kept_good = int(((pred == 1) & (y == 1)).sum())
    kept_bad = int(((pred == 1) & (y == 0)).sum())
    return {
        "kept_good_share": kept_good / positives if positives else float("nan"),
        "kept_bad_share": kept_bad / (len(y) - positives) if len(y) > positives else float("nan"),
        "n": int(len(y)), "positives": positives, "threshold": threshold,
        "accuracy": float(accuracy_score(y, pred)), "precision": float(precision),
        "recall": float(recall), "f1": float(f1), "auc": auc,
        "kept": int(pred.sum()),
        "baseline": {"predicts": "good" if majority else "bad",
                     "accuracy": float(accuracy_score(y, base_pred)),
                     "precision": float(b_precision), "recall": float(b_recall),
                     "f1": float(b_f1), "auc": 0.5},
    }
