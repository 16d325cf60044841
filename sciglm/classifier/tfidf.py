"""The fast CPU classifier: TF-IDF over character n-grams + class-balanced logistic regression.

Saved as plain arrays (``tfidf.npz`` + ``vocabulary.json``), never as a pickle, so loading a
classifier folder cannot run code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from sciglm.classifier.base import Advance, QualityClassifier

DEFAULTS: dict[str, Any] = {"ngram_min": 1, "ngram_max": 4, "max_features": 200_000,
                            "min_df": 2, "C": 4.0, "max_chars": 4000}


class TfidfClassifier(QualityClassifier):
    """Character 1–4-grams (``char_wb``), sublinear TF, logistic regression."""

    kind = "tfidf"

    def __init__(self, **params: Any) -> None:
        super().__init__(**{**DEFAULTS, **params})
        self.vectorizer: TfidfVectorizer | None = None
        self.model: LogisticRegression | None = None

    def _vectorizer(self, vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
        p = self.params
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(p["ngram_min"], p["ngram_max"]),
                               max_features=p["max_features"], min_df=p["min_df"],
                               sublinear_tf=True, lowercase=True, dtype=np.float32,
                               vocabulary=vocabulary)

    def _cut(self, texts: Sequence[str]) -> list[str]:
        n = self.params["max_chars"]
        return [t[:n] for t in texts]

    def fit(self, texts: Sequence[str], labels: Sequence[int],
            advance: Advance | None = None) -> dict[str, Any]:
        self.vectorizer = self._vectorizer()
        features = self.vectorizer.fit_transform(self._cut(texts))
        self.model = LogisticRegression(C=self.params["C"], class_weight="balanced",
                                        max_iter=2000)
        self.model.fit(features, np.asarray(labels))
        if advance:
            advance(len(texts))
        return {"examples": len(texts), "features": int(features.shape[1])}

    def score(self, texts: Sequence[str], advance: Advance | None = None) -> np.ndarray:
        if self.vectorizer is None or self.model is None:
            raise RuntimeError("classifier is not fitted")
        out = []
        for start in range(0, len(texts), 1000):
            chunk = self._cut(texts[start:start + 1000])
            p_good = self.model.predict_proba(self.vectorizer.transform(chunk))[:, 1]
            out.append(2.0 * p_good - 1.0)
            if advance:
                advance(len(chunk))
        return np.concatenate(out) if out else np.empty(0)

    def _save_model(self, folder: Path) -> None:
        assert self.vectorizer is not None and self.model is not None
        vocab = {k: int(v) for k, v in self.vectorizer.vocabulary_.items()}
        (folder / "vocabulary.json").write_text(json.dumps(vocab, ensure_ascii=False))
        np.savez(folder / "tfidf.npz", idf=self.vectorizer.idf_, coef=self.model.coef_,
                 intercept=self.model.intercept_, classes=self.model.classes_)

    def _load_model(self, folder: Path) -> None:
        vocab = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        arrays = np.load(folder / "tfidf.npz", allow_pickle=False)
        self.vectorizer = self._vectorizer(vocabulary=vocab)
        self.vectorizer.idf_ = arrays["idf"]
        self.model = LogisticRegression()
        self.model.coef_ = arrays["coef"]
        self.model.intercept_ = arrays["intercept"]
        self.model.classes_ = arrays["classes"]
