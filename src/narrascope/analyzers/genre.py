"""Genre (opinion / reporting / satire) of the whole article.

A multinomial logistic head over the feature parts its model names: stylistic rates (person,
modality, attribution and quotation density, evaluative words, dateline; see
`narrascope.text.features`), backbone vectors (document, title, lead) and TF-IDF word uni- and
bigrams (`narrascope.text.tfidf`). Trained on 420 real articles whose genre the project labelled and on
the project's own written examples (`narrascope train genre`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.analyzers.embeddings import document_vector, sentence_vectors
from narrascope.analyzers.terms import word_ngram_counts
from narrascope.document import Document, Genre, LabelScore
from narrascope.encoders import Encoder
from narrascope.models import ModelPackage, load_package
from narrascope.text import features as text_features
from narrascope.text.tfidf import TermWeights

GENRES = ("opinion", "reporting", "satire")


def load_linear(package: ModelPackage) -> tuple[dict, np.ndarray, np.ndarray]:
    """The config and the weights (`coef`, `intercept`) of a linear head's package."""
    z = package.weights()
    return package.config, z["coef"].astype(np.float32), z["intercept"].astype(np.float32)


DEFAULT_PARTS = ("vec", "style")
LEAD_SENTENCES = 10


def _lead_and_title(doc: Document) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors of the title line (the first sentence) and of the first body sentences."""
    vectors = sentence_vectors(doc)
    if len(vectors) == 0:
        zero = np.zeros(vectors.shape[1], np.float32)
        return zero, zero
    body = vectors[1 : 1 + LEAD_SENTENCES] if len(vectors) > 1 else vectors
    lead = body.mean(axis=0)
    return vectors[0], lead / max(float(np.linalg.norm(lead)), 1e-12)


def genre_features(doc: Document, parts: tuple[str, ...] = DEFAULT_PARTS) -> np.ndarray:
    """The chosen feature parts, in order: `vec` the document vector (mean of sentence vectors),
    `style` the stylistic rates of the whole text, `title` and `lead` the vectors of the title line
    and of the first body sentences (news leads and opinion openings read differently)."""
    blocks = []
    for part in parts:
        if part == "vec":
            blocks.append(document_vector(doc))
        elif part == "style":
            blocks.append(text_features.features(doc.text))
        elif part in ("title", "lead"):
            title, lead = _lead_and_title(doc)
            blocks.append(title if part == "title" else lead)
        else:
            raise ValueError(f"unknown genre feature part {part!r}")
    return np.concatenate(blocks).astype(np.float32)


class GenreModel:
    """Dense parts through `coef`; with the `tfidf` part, word uni-/bigram weights through `tfidf_coef`."""

    def __init__(self, model_dir: str | Path | None = None, encoder: Encoder | None = None) -> None:
        """The package at `model_dir` (None: the shipped one), checked against `encoder`."""
        package = load_package(model_dir, "genre", encoder)
        self.config, self.coef, self.intercept = load_linear(package)
        self.labels: list[str] = self.config["labels"]
        parts = tuple(self.config.get("parts", DEFAULT_PARTS))
        self.parts: tuple[str, ...] = tuple(p for p in parts if p != "tfidf")
        self.terms: TermWeights | None = None
        if "tfidf" in parts:
            z = package.weights()
            self.terms = TermWeights(z["terms"], z["idf"])
            self.tfidf_coef = z["tfidf_coef"].astype(np.float32)

    def term_rows(self, docs: list[Document]) -> list[tuple[np.ndarray, np.ndarray] | None]:
        """Each document's TF-IDF (column indices, values), or None without the `tfidf` part.

        Weighed for the whole batch back to back: the 40,750-term vocabulary then stays in the
        processor's cache between documents (0.6 ms per article when looked up between the
        other features' work, a third of that in a row)."""
        if self.terms is None:
            return [None] * len(docs)
        terms = self.terms
        return [terms.transform(doc.text, word_ngram_counts(doc)) for doc in docs]

    def scores(
        self, doc: Document, term_row: tuple[np.ndarray, np.ndarray] | None = None
    ) -> np.ndarray:
        """The label probabilities; `term_row`: the document's `term_rows` entry, when the
        batch weighed it already."""
        z = self.intercept.copy()
        if self.parts:
            z += self.coef @ genre_features(doc, self.parts)
        if self.terms is not None:
            idx, values = term_row or self.terms.transform(doc.text, word_ngram_counts(doc))
            z += self.tfidf_coef[:, idx] @ values
        e = np.exp(z - z.max())
        return e / e.sum()

    def predict(
        self, doc: Document, term_row: tuple[np.ndarray, np.ndarray] | None = None
    ) -> Genre:
        probs = self.scores(doc, term_row)
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
        todo = [doc for doc in docs if doc.sentences]
        for doc in docs:
            doc.genre = None
        for doc, term_row in zip(todo, self.model.term_rows(todo)):
            doc.genre = self.model.predict(doc, term_row)
