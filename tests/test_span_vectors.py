"""Span vectors pooled from the backbone's token states (the technique classifier's input)."""

from __future__ import annotations

import numpy as np
from tests.segmented import segmented

from narrascope.analyzers import contracts
from narrascope.analyzers.embeddings import Embeddings, span_vectors
from narrascope.analyzers.techniques import span_matrix
from narrascope.document import Document
from narrascope.encoders.minilm import TokenStates

TEXT = (
    "Moscow launched a relentless onslaught on civilian towns.\n\n"
    "The ministry said talks would resume on Monday."
)


def _doc() -> Document:
    return segmented(TEXT)


def test_token_states_keep_real_tokens_and_pool_over_a_span() -> None:
    hidden = np.arange(12, dtype=np.float32).reshape(4, 3)
    states = TokenStates.of(hidden, [(0, 0), (0, 6), (7, 15), (0, 0)])  # [CLS] w1 w2 [SEP]
    assert states.offsets.tolist() == [[0, 6], [7, 15]]
    assert states.pooled(0, 6).tolist() == [3.0, 4.0, 5.0]
    assert states.pooled(3, 10).tolist() == [4.5, 5.5, 6.5]  # both tokens overlap
    assert states.pooled(20, 30) is None


def test_the_same_pass_gives_the_sentence_vectors_and_the_token_states(encoder) -> None:
    texts = ["Russia attacked Ukraine.", "Talks resumed."]
    vectors, tokens = encoder.encode_with_tokens(texts)
    np.testing.assert_allclose(vectors, encoder.encode(texts), atol=1e-6)
    assert tokens[0].offsets.tolist() == [[0, 6], [7, 15], [16, 23], [23, 24]]
    assert tokens[0].states.shape == (4, encoder.dimension)


def test_span_vectors_from_the_embeddings_pass_equal_those_computed_on_demand(encoder) -> None:
    kept = _doc()
    Embeddings(encoder=encoder).process([kept])
    assert contracts.TOKEN_STATES.has(kept)
    spans = [(TEXT.index("relentless"), TEXT.index(" on civilian")), (0, 6)]
    from_pass = span_vectors(kept, spans, encoder)

    later = _doc()  # e.g. a cleared cache: the sentences concerned are encoded again
    contracts.SENTENCE_VECTORS.put(later, contracts.SENTENCE_VECTORS.get(kept))
    on_demand = span_vectors(later, spans, encoder)
    np.testing.assert_allclose(from_pass, on_demand, atol=1e-3)
    assert np.allclose(np.linalg.norm(from_pass, axis=1), 1.0, atol=1e-5)
    # in context, not the same as the span encoded alone, but close in meaning
    alone = encoder.encode([TEXT[s:e] for s, e in spans])
    cosine = float(from_pass[0] @ alone[0])
    assert 0.3 < cosine < 0.999


def test_without_token_states_a_span_is_encoded_on_its_own(encoder) -> None:
    class PlainEncoder:  # an encoder that gives sentence vectors only
        dimension = encoder.dimension

        def encode(self, texts):
            return encoder.encode(texts)

    doc = _doc()
    contracts.SENTENCE_VECTORS.put(
        doc, encoder.encode([doc.sentence_text(s) for s in doc.sentences])
    )
    spans = [(0, 6)]
    np.testing.assert_allclose(
        span_vectors(doc, spans, PlainEncoder()), encoder.encode(["Moscow"]), atol=1e-5
    )
    assert not span_vectors(doc, spans, None).any()  # nothing to compute them with


def test_the_span_matrix_appends_the_span_vectors(encoder) -> None:
    doc = _doc()
    Embeddings(encoder=encoder).process([doc])
    spans = [(0, 6), (TEXT.index("talks"), TEXT.index(" would"))]
    plain = span_matrix(doc, spans)
    own = span_vectors(doc, spans, encoder)
    wider = span_matrix(doc, spans, own)
    assert wider.shape == (2, plain.shape[1] + encoder.dimension)
    np.testing.assert_allclose(wider[:, plain.shape[1] :].toarray(), own, atol=1e-6)
