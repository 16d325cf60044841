"""Instruction-quality classifiers: one interface (:class:`QualityClassifier`), two models."""

from sciglm.classifier.base import QualityClassifier, load_classifier, quality_text

__all__ = ["QualityClassifier", "load_classifier", "quality_text"]
