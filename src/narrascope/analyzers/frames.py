"""Frames: which of the 14 generic policy frames an article uses (multi-label, with scores).

A one-vs-rest logistic head scores every sentence vector of the shared backbone; an article's
score for a frame is the mean of its two best sentences (a frame needs more than one passing
word), and labels are the (at most five) best frames above per-frame thresholds calibrated on cross-validated scores of
synthetic articles assembled from the training examples (`narrascope train frames`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.analyzers.embeddings import sentence_vectors
from narrascope.analyzers.genre import load_linear
from narrascope.document import Document, FrameLayer, LabelScore
from narrascope.encoders import Encoder
from narrascope.models import load_package

TOP_K = 2
# the calibration articles join five examples, so more than five frames is beyond what was calibrated
MAX_LABELS = 5


def sentence_frame_scores(
    vectors: np.ndarray, coef: np.ndarray, intercept: np.ndarray
) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(vectors @ coef.T + intercept)))


def article_scores(sentence_scores: np.ndarray, top_k: int = TOP_K) -> np.ndarray:
    """Per frame: the mean of the `top_k` best sentence scores."""
    if len(sentence_scores) == 0:
        return np.zeros(sentence_scores.shape[1])
    k = min(top_k, len(sentence_scores))
    return np.sort(sentence_scores, axis=0)[-k:].mean(axis=0)


class FrameModel:
    def __init__(self, model_dir: str | Path | None = None, encoder: Encoder | None = None) -> None:
        """The package at `model_dir` (None: the shipped one), checked against `encoder`."""
        package = load_package(model_dir, "frames", encoder)
        self.config, self.coef, self.intercept = load_linear(package)
        self.labels: list[str] = self.config["labels"]
        self.thresholds = np.asarray(self.config["thresholds"], np.float32)
        self.top_k = int(self.config.get("top_k", TOP_K))
        self.max_labels = int(self.config.get("max_labels", MAX_LABELS))

    def scores(self, doc: Document) -> np.ndarray:
        body = [i for i, s in enumerate(doc.sentences) if s.paragraph > 0] or list(
            range(len(doc.sentences))
        )
        vectors = sentence_vectors(doc)[body]
        return article_scores(sentence_frame_scores(vectors, self.coef, self.intercept), self.top_k)

    def predict(self, doc: Document) -> FrameLayer:
        scores = self.scores(doc)
        order = np.argsort(-scores)
        return FrameLayer(
            labels=[self.labels[k] for k in order if scores[k] >= self.thresholds[k]][
                : self.max_labels
            ],
            scores=[
                LabelScore(label=self.labels[k], score=round(float(scores[k]), 4)) for k in order
            ],
        )


class Frames(Analyzer):
    name = "frames"
    requires = (contracts.SENTENCES, contracts.SENTENCE_VECTORS)
    produces = (contracts.FRAMES,)
    uses_encoder = True

    def __init__(self, model: str = "", *, encoder: Encoder) -> None:
        self.model = FrameModel(model or None, encoder)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            doc.frames = self.model.predict(doc) if doc.sentences else FrameLayer()
