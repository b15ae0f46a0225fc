"""The shared backbone pass: every sentence of every document in the batch, encoded once.

Later analyzers read `sentence_vectors(doc)`, `paragraph_vectors(doc)` and `document_vector(doc)`
instead of running a model of their own. Identical sentences (repeated paragraphs are common in
scraped news) are encoded once per batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
    produces = (contracts.SENTENCE_VECTORS,)  # and TOKEN_STATES when the encoder gives them
    languages = ("en",)
    uses_encoder = True

    def __init__(self, *, encoder: Encoder) -> None:
        self.encoder = encoder

    def process(self, docs: list[Document]) -> None:
        unique: dict[str, int] = {}
        for doc in docs:
            for s in doc.sentences:
                unique.setdefault(doc.sentence_text(s), len(unique))
        with_tokens = getattr(self.encoder, "encode_with_tokens", None)
        if with_tokens is not None:  # token states come with the same pass (span vectors)
            vectors, tokens = with_tokens(list(unique))
        else:
            vectors, tokens = self.encoder.encode(list(unique)), None
        for doc in docs:
            rows = [unique[doc.sentence_text(s)] for s in doc.sentences]
            SENTENCE_VECTORS.put(
                doc,
                vectors[rows] if rows else np.zeros((0, self.encoder.dimension), np.float32),
            )
            if tokens is not None:
                contracts.TOKEN_STATES.put(doc, [tokens[r] for r in rows])


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


def span_vectors(
    doc: Document, spans: Sequence[tuple[int, int]], encoder: Encoder | None
) -> np.ndarray:
    """(n_spans, d) unit vectors of text spans: the mean of the backbone's token states over
    each span within its sentences, from the `embeddings` pass when it kept them, else from
    encoding the sentences concerned now (with `encoder`); a span no token state covers (or no
    encoder able to give them) falls back to encoding the span text on its own, then zeros."""
    dimension = encoder.dimension if encoder is not None else sentence_vectors(doc).shape[1]
    out = np.zeros((len(spans), dimension), np.float32)
    if not spans:
        return out
    wanted = sorted(
        {i for s, e in spans for i, x in enumerate(doc.sentences) if x.start < e and x.end > s}
    )
    states = sentence_token_states(doc, wanted, encoder)
    alone = []
    for k, (start, end) in enumerate(spans):
        parts = []
        for i in wanted:
            sentence = doc.sentences[i]
            if states[i] is None or not (sentence.start < end and sentence.end > start):
                continue
            pooled = states[i].pooled(start - sentence.start, end - sentence.start)
            if pooled is not None:
                parts.append(pooled)
        if parts:
            out[k] = np.mean(parts, axis=0)
        else:
            alone.append(k)
    if alone and encoder is not None:
        out[alone] = encoder.encode([doc.text[spans[k][0] : spans[k][1]] for k in alone])
    return _normalise(out)


def sentence_token_states(
    doc: Document, wanted: Sequence[int], encoder: Encoder | None
) -> list[Any]:
    """Per sentence, its `TokenStates` (None where unknown): those the `embeddings` pass kept,
    the `wanted` sentences still missing encoded now when `encoder` gives token states (and
    kept in the document's cache for the next reader)."""
    states = contracts.TOKEN_STATES.get(doc) if contracts.TOKEN_STATES.has(doc) else None
    if states is None:
        states = [None] * len(doc.sentences)
    missing = [i for i in wanted if states[i] is None]
    with_tokens = getattr(encoder, "encode_with_tokens", None)
    if missing and with_tokens is not None:
        _, computed = with_tokens([doc.sentence_text(doc.sentences[i]) for i in missing])
        states = list(states)
        for i, t in zip(missing, computed):
            states[i] = t
        contracts.TOKEN_STATES.put(doc, states)
    return states


def word_states(
    doc: Document, words: Sequence[tuple[int, int, int]], encoder: Encoder | None
) -> np.ndarray:
    """(n_words, d) raw (not normalised) mean backbone states of the word pieces under each
    word, given as (start, end, sentence index); zeros where no state covers a word."""
    dimension = encoder.dimension if encoder is not None else sentence_vectors(doc).shape[1]
    out = np.zeros((len(words), dimension), np.float32)
    by_sentence: dict[int, list[int]] = {}
    for k, (_, _, i) in enumerate(words):
        by_sentence.setdefault(i, []).append(k)
    states = sentence_token_states(doc, sorted(by_sentence), encoder)
    for i, rows in by_sentence.items():
        tokens = states[i]
        if tokens is None or not len(tokens.offsets):
            continue
        base = doc.sentences[i].start
        starts = np.asarray([words[k][0] - base for k in rows])[:, None]
        ends = np.asarray([words[k][1] - base for k in rows])[:, None]
        overlap = (tokens.offsets[None, :, 0] < ends) & (tokens.offsets[None, :, 1] > starts)
        counts = overlap.sum(axis=1, keepdims=True)
        pooled = (overlap.astype(np.float32) @ tokens.states.astype(np.float32)) / np.maximum(
            counts, 1
        )
        out[rows] = pooled
    return out


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
