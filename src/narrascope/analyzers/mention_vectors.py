"""Entity-marked vectors for the role heads: the backbone's token states pooled over a mention.

A sentence vector says what a sentence is about, not which of its entities the text is against;
the contextual states of the mention's own word pieces do (they have attended to the whole
sentence from the mention's position). `mention_block` gives, for one mention, the pooled
states of the mention and the mean of that over all mentions of its entity; with `window` > 0
the pooling also covers that many word pieces on each side of the mention, inside its sentence.
The states come from the `embeddings` pass (`contracts.TOKEN_STATES`), so no second backbone
pass runs when the pipeline's encoder gives them; vectors are memoised per document and span.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

from narrascope.analyzers import contracts
from narrascope.analyzers.embeddings import sentence_vectors, span_vectors
from narrascope.document import Document
from narrascope.encoders import Encoder

Span = tuple[int, int]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


def widened(doc: Document, span: Span, window: int) -> Span:
    """`span` grown by `window` word pieces on each side, within the sentence holding its start
    (the span itself when no token states of that sentence are known)."""
    if window <= 0 or not contracts.TOKEN_STATES.has(doc):
        return span
    states = contracts.TOKEN_STATES.get(doc)
    start, end = span
    i = bisect.bisect_right([s.start for s in doc.sentences], start) - 1
    tokens = states[i] if 0 <= i < len(states) else None
    if tokens is None or len(tokens.offsets) == 0:
        return span
    base = doc.sentences[i].start
    inside = np.flatnonzero(
        (tokens.offsets[:, 0] < end - base) & (tokens.offsets[:, 1] > start - base)
    )
    if len(inside) == 0:
        return span
    first = max(0, int(inside[0]) - window)
    last = min(len(tokens.offsets) - 1, int(inside[-1]) + window)
    return (
        min(start, base + int(tokens.offsets[first, 0])),
        max(end, base + int(tokens.offsets[last, 1])),
    )


def vectors_of(
    doc: Document, spans: Sequence[Span], encoder: Encoder | None, window: int = 0
) -> np.ndarray:
    """(n, d) unit vectors of `spans` (pooled token states, see `embeddings.span_vectors`),
    each span computed once per document and window."""
    memo: dict[tuple[int, int, int], np.ndarray] = doc.cache.setdefault("roles_mention_vectors", {})
    missing = sorted({(s, e) for s, e in spans if (s, e, window) not in memo})
    if missing:
        # the plain spans first: that also fills the token states a window is measured in
        plain = [(s, e) for s, e in missing if (s, e, 0) not in memo]
        for span, v in zip(plain, span_vectors(doc, plain, encoder)):
            memo[(*span, 0)] = v
        if window > 0:
            grown = [widened(doc, span, window) for span in missing]
            for span, v in zip(missing, span_vectors(doc, grown, encoder)):
                memo[(*span, window)] = v
    if not spans:
        return np.zeros((0, sentence_vectors(doc).shape[1]), np.float32)
    return np.stack([memo[(s, e, window)] for s, e in spans]).astype(np.float32)


def mention_block(
    doc: Document,
    span: Span,
    entity_spans: Sequence[Span],
    encoder: Encoder | None,
    window: int = 0,
) -> np.ndarray:
    """(2d,): the mention's pooled vector, then the unit mean of its entity's mention vectors."""
    own = vectors_of(doc, [span], encoder, window)[0]
    every = vectors_of(doc, list(entity_spans) or [span], encoder, window)
    return np.concatenate([own, _unit(every.mean(axis=0))]).astype(np.float32)
