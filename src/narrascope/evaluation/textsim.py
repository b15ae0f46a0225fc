"""Similarity of predicted and gold explanations (SemEval-2025 subtask 3).

The organisers score explanations with BERTScore F1. It needs the `bert-score` package and a
downloadable transformer, so it is used only when installed; otherwise the harness reports the
mean cosine of the backbone's (all-MiniLM-L6-v2) vectors, which is NOT the official metric and is
named differently so the two are never confused.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def explanation_similarity(
    gold: Mapping[str, str], pred: Mapping[str, str]
) -> tuple[str, float, float]:
    """(metric name, mean, population std) over gold documents; a missing prediction scores 0."""
    ids = list(gold)
    if not ids:
        return "explanation_cosine_minilm", 0.0, 0.0
    candidates = [pred.get(i, "") for i in ids]
    references = [gold[i] for i in ids]
    try:
        from bert_score import score as bert_score  # type: ignore[import-not-found]
    except ImportError:
        scores = _minilm_cosine(candidates, references)
        return "explanation_cosine_minilm", float(np.mean(scores)), float(np.std(scores))
    _, _, f1 = bert_score(candidates, references, lang="en")
    values = np.array([v if c else 0.0 for v, c in zip(f1.tolist(), candidates)])
    return "explanation_bertscore_f1", float(values.mean()), float(values.std())


def _minilm_cosine(candidates: list[str], references: list[str]) -> np.ndarray:
    """The metric is defined on all-MiniLM-L6-v2, whatever encoder a pipeline under test uses:
    the default `[encoder]` section, built by the one encoder constructor."""
    from narrascope.config import EncoderConfig
    from narrascope.encoders import build_encoder

    encoder = build_encoder(EncoderConfig())
    a = encoder.encode(candidates)
    b = encoder.encode(references)
    cos = np.sum(a * b, axis=1) / np.maximum(
        np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12
    )
    return np.where([bool(c.strip()) for c in candidates], cos, 0.0)
