"""Genre (opinion / reporting / satire) of the whole article.

A multinomial logistic head over the document vector of the shared backbone plus stylistic
features (person, modality, attribution and quotation density, evaluative words, dateline; see
`narrascope.text.features`). Trained on the project's own labelled examples
(`narrascope train genre`).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np

from narrascope.analyzers.base import Analyzer
from narrascope.analyzers.embeddings import document_vector
from narrascope.document import Document, Genre, LabelScore
from narrascope.text import features as text_features

GENRES = ("opinion", "reporting", "satire")


def default_model_dir(task: str) -> Path:
    return Path(str(resources.files("narrascope") / "models" / task))


def load_linear(path: Path, task: str) -> tuple[dict, np.ndarray, np.ndarray]:
    """config.json + weights.npz of a linear head; a clear error when the model is missing."""
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"no {task} model in {path} (train one: narrascope train {task})")
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    z = np.load(path / "weights.npz")
    return config, z["coef"].astype(np.float32), z["intercept"].astype(np.float32)


def genre_features(doc: Document) -> np.ndarray:
    """Document vector (384) and the stylistic features of the whole text."""
    return np.concatenate([document_vector(doc), text_features.features(doc.text)]).astype(
        np.float32
    )


class GenreModel:
    def __init__(self, model_dir: str | Path | None = None) -> None:
        path = Path(model_dir) if model_dir else default_model_dir("genre")
        self.config, self.coef, self.intercept = load_linear(path, "genre")
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
    requires = ("segmentation", "embeddings")
    produces = ("genre",)

    def __init__(self, model: str = "") -> None:
        self.model = GenreModel(model or None)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            doc.genre = self.model.predict(doc) if doc.sentences else None
