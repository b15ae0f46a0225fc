"""The shared backbone pass: every sentence of every document in the batch, encoded once.

Later analyzers read `sentence_vectors(doc)`, `paragraph_vectors(doc)` and `document_vector(doc)`
instead of running a model of their own. Identical sentences (repeated paragraphs are common in
scraped news) are encoded once per batch.
"""

from __future__ import annotations

import numpy as np

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.document import Document
from narrascope.encoders import Encoder

SENTENCE_VECTORS = contracts.SENTENCE_VECTORS


class Embeddings(Analyzer):
    """The pipeline's encoder (config `[encoder]`) over every sentence."""

    name = "embeddings"
    requires = (contracts.SENTENCES,)
    produces = (contracts.SENTENCE_VECTORS,)
    languages = ("en",)
    uses_encoder = True

    def __init__(self, *, encoder: Encoder) -> None:
        self.encoder = encoder

    def process(self, docs: list[Document]) -> None:
        unique: dict[str, int] = {}
        for doc in docs:
            for s in doc.sentences:
                unique.setdefault(doc.sentence_text(s), len(unique))
        vectors = self.encoder.encode(list(unique))
        for doc in docs:
            rows = [unique[doc.sentence_text(s)] for s in doc.sentences]
            SENTENCE_VECTORS.put(
                doc,
                vectors[rows] if rows else np.zeros((0, self.encoder.dimension), np.float32),
            )


def sentence_vectors(doc: Document) -> np.ndarray:
    """(n_sentences, d) unit vectors; requires the `embeddings` analyzer to have run."""
    return SENTENCE_VECTORS.get(doc)


def paragraph_vectors(doc: Document) -> np.ndarray:
    """(n_paragraphs, d): the normalised mean of each paragraph's sentence vectors."""
    vectors = sentence_vectors(doc)
    out = np.zeros((len(doc.paragraphs), vectors.shape[1]), dtype=np.float32)
    for s, v in zip(doc.sentences, vectors):
        out[s.paragraph] += v
    return _normalise(out)


def document_vector(doc: Document, skip_title: bool = False) -> np.ndarray:
    """(d,): the normalised mean of the sentence vectors."""
    vectors = sentence_vectors(doc)
    if skip_title and doc.sentences:
        vectors = (
            vectors[[i for i, s in enumerate(doc.sentences) if s.paragraph > 0]]
            if len(doc.paragraphs) > 1
            else vectors
        )
    if len(vectors) == 0:
        return np.zeros(vectors.shape[1], np.float32)
    return _normalise(vectors.mean(axis=0, keepdims=True))[0]


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
