"""Genre (opinion / reporting / satire) of the whole article.

A multinomial logistic head over the document vector of the shared backbone plus stylistic
features (person, modality, attribution and quotation density, evaluative words, dateline; see
`narrascope.text.features`). Trained on the project's own labelled examples
(`narrascope train genre`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.analyzers.embeddings import document_vector
from narrascope.document import Document, Genre, LabelScore
from narrascope.encoders import Encoder
from narrascope.models import ModelPackage, load_package
from narrascope.text import features as text_features

GENRES = ("opinion", "reporting", "satire")


def load_linear(package: ModelPackage) -> tuple[dict, np.ndarray, np.ndarray]:
    """The config and the weights (`coef`, `intercept`) of a linear head's package."""
    z = package.weights()
    return package.config, z["coef"].astype(np.float32), z["intercept"].astype(np.float32)


def genre_features(doc: Document) -> np.ndarray:
    """Document vector (the encoder's dimension) and the stylistic features of the whole text."""
    return np.concatenate([document_vector(doc), text_features.features(doc.text)]).astype(
        np.float32
    )


class GenreModel:
    def __init__(self, model_dir: str | Path | None = None, encoder: Encoder | None = None) -> None:
        """The package at `model_dir` (None: the shipped one), checked against `encoder`."""
        package = load_package(model_dir, "genre", encoder)
        self.config, self.coef, self.intercept = load_linear(package)
        self.labels: list[str] = self.config["labels"]

    def scores(self, doc: Document) -> np.ndarray:
        z = self.coef @ genre_features(doc) + self.intercept
        e = np.exp(z - z.max())
        return e / e.sum()

    def predict(self, doc: Document) -> Genre:
        probs = self.scores(doc)
        k = int(np.argmax(probs))
        return Genre(
            label=self.labels[k],
            score=round(float(probs[k]), 4),
            scores=[
                LabelScore(label=name, score=round(float(p), 4))
                for name, p in zip(self.labels, probs)
            ],
        )


class GenreAnalyzer(Analyzer):
    name = "genre"
    requires = (contracts.SENTENCES, contracts.PARAGRAPHS, contracts.SENTENCE_VECTORS)
    produces = (contracts.GENRE,)
    uses_encoder = True

    def __init__(self, model: str = "", *, encoder: Encoder) -> None:
        self.model = GenreModel(model or None, encoder)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            doc.genre = self.model.predict(doc) if doc.sentences else None
