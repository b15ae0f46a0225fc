"""The shared backbone pass: every sentence of every document in the batch, encoded once.

Later analyzers read `sentence_vectors(doc)`, `paragraph_vectors(doc)` and `document_vector(doc)`
instead of running a model of their own. Identical sentences (repeated paragraphs are common in
scraped news) are encoded once per batch.
"""

from __future__ import annotations

import numpy as np

from narrascope.analyzers.base import Analyzer
from narrascope.document import Document
from narrascope.encoders.minilm import Encoder, get_encoder

SENTENCE_VECTORS = "sentence_vectors"


class Embeddings(Analyzer):
    name = "embeddings"
    requires = ("segmentation",)
    languages = ("en",)
    produces = ("cache:sentence_vectors",)

    def __init__(
        self,
        backend: str = "onnx",
        model: str = "",
        max_tokens: int = 128,
        variant: str = "auto",
        padding: str = "fixed",
    ) -> None:
        self.encoder: Encoder = get_encoder(backend, model or None, max_tokens, variant, padding)

    def process(self, docs: list[Document]) -> None:
        unique: dict[str, int] = {}
        for doc in docs:
            for s in doc.sentences:
                unique.setdefault(doc.sentence_text(s), len(unique))
        vectors = self.encoder.encode(list(unique))
        for doc in docs:
            rows = [unique[doc.sentence_text(s)] for s in doc.sentences]
            doc.cache[SENTENCE_VECTORS] = (
                vectors[rows]
                if rows
                else np.zeros((0, vectors.shape[1] if vectors.size else 384), np.float32)
            )


def sentence_vectors(doc: Document) -> np.ndarray:
    """(n_sentences, d) unit vectors; requires the `embeddings` analyzer to have run."""
    try:
        return doc.cache[SENTENCE_VECTORS]
    except KeyError:
        raise RuntimeError(
            "sentence vectors missing: add 'embeddings' to the pipeline before this analyzer"
        ) from None


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
        return np.zeros(
            sentence_vectors(doc).shape[1] if sentence_vectors(doc).ndim == 2 else 384, np.float32
        )
    return _normalise(vectors.mean(axis=0, keepdims=True))[0]


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
