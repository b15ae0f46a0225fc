"""Entity-marked role features: token states pooled over a mention and over its entity."""

from __future__ import annotations

import numpy as np
from tests.segmented import segmented

from narrascope.analyzers import contracts
from narrascope.analyzers.embeddings import Embeddings, span_vectors
from narrascope.analyzers.entities import load_spacy
from narrascope.analyzers.mention_vectors import mention_block, vectors_of, widened
from narrascope.analyzers.roles import (
    HASH_DIM,
    classify_mentions,
    feature_matrix,
    mention_features,
)
from narrascope.document import Document
from narrascope.encoders.minilm import TokenStates
from narrascope.taxonomies import load_roles
from narrascope.text.segment import segment

TEXT = (
    "Russia shelled the port of Odesa overnight.\n\n"
    "Ukraine asked its allies for air defence against Russia."
)


def _doc() -> Document:
    return segmented(TEXT)


def _embedded(encoder) -> Document:
    doc = _doc()
    Embeddings(encoder=encoder).process([doc])
    return doc


def test_a_window_grows_by_word_pieces_inside_the_sentence() -> None:
    doc = Document(id="w", text="Aa bb cc dd. Ee ff")
    doc.paragraphs, doc.sentences = segment(doc.text)
    assert [doc.sentence_text(s) for s in doc.sentences] == ["Aa bb cc dd.", "Ee ff"]
    first = TokenStates.of(np.zeros((5, 2)), [(0, 2), (3, 5), (6, 8), (9, 11), (11, 12)])
    second = TokenStates.of(np.zeros((2, 2)), [(0, 2), (3, 5)])
    contracts.TOKEN_STATES.put(doc, [first, second])
    assert widened(doc, (3, 5), 0) == (3, 5)
    assert widened(doc, (3, 5), 1) == (0, 8)  # "Aa bb cc"
    assert widened(doc, (3, 5), 3) == (0, 12)  # clipped at the sentence's last token
    start = doc.text.index("ff")
    assert doc.sentences[1].start == start - 3
    assert widened(doc, (start, start + 2), 5) == (start - 3, start + 2)  # not into "dd."


def test_mention_block_is_the_mention_then_its_entity_mean(encoder) -> None:
    doc = _embedded(encoder)
    first = (0, 6)
    second = (TEXT.rindex("Russia"), TEXT.rindex("Russia") + 6)
    block = mention_block(doc, first, [first, second], encoder)
    assert block.shape == (2 * encoder.dimension,)
    own, entity = block[: encoder.dimension], block[encoder.dimension :]
    both = span_vectors(doc, [first, second], encoder)
    np.testing.assert_allclose(own, both[0], atol=1e-6)
    mean = both.mean(axis=0)
    np.testing.assert_allclose(entity, mean / np.linalg.norm(mean), atol=1e-6)
    # the same name in two contexts: contextual states, not one vector per word
    assert 0.3 < float(both[0] @ both[1]) < 0.99
    # a mention alone is its own entity
    alone = mention_block(doc, first, [], encoder)
    np.testing.assert_allclose(alone[: encoder.dimension], alone[encoder.dimension :], atol=1e-6)


def test_window_vectors_differ_and_are_memoised(encoder) -> None:
    doc = _embedded(encoder)
    span = (TEXT.index("Odesa"), TEXT.index("Odesa") + 5)
    plain = vectors_of(doc, [span], encoder)[0]
    wide = vectors_of(doc, [span], encoder, window=3)[0]
    grown = widened(doc, span, 3)
    assert TEXT[grown[0] : grown[1]] == "the port of Odesa overnight."
    np.testing.assert_allclose(wide, span_vectors(doc, [grown], encoder)[0], atol=1e-6)
    assert float(plain @ wide) < 0.99
    memo = doc.cache["roles_mention_vectors"]
    assert (*span, 0) in memo and (*span, 3) in memo
    contracts.TOKEN_STATES.put(doc, [None] * len(doc.sentences))  # no recomputation needed
    np.testing.assert_array_equal(vectors_of(doc, [span], encoder, window=3)[0], wide)


def test_mention_parts_only_when_asked_and_placed_before_the_hashed_cues(encoder) -> None:
    doc = _embedded(encoder)
    parsed = load_spacy()(TEXT)
    dim = encoder.dimension
    plain, _ = mention_features(doc, 0, 6, parsed, parts=("ctx", "bloc", "lex", "cues"))
    assert "mention" not in plain and "mwin" not in plain
    dense, cues = mention_features(
        doc, 0, 6, parsed, parts=("ctx", "bloc", "lex", "cues", "mention", "mwin"), encoder=encoder
    )
    assert dense["mention"].shape == dense["mwin"].shape == (2 * dim,)
    np.testing.assert_allclose(dense["ctx"], plain["ctx"])  # the other parts are unchanged
    # the entity mean covers the later "Russia" too (found by its surface form)
    both = span_vectors(doc, [(0, 6), (TEXT.rindex("Russia"), len(TEXT) - 1)], encoder)
    mean = both.mean(axis=0)
    np.testing.assert_allclose(dense["mention"][dim:], mean / np.linalg.norm(mean), atol=1e-6)

    shipped = feature_matrix([(dense, cues)], ("ctx", "bloc", "lex", "cues"))
    np.testing.assert_array_equal(
        shipped, feature_matrix([(plain, cues)], ("ctx", "bloc", "lex", "cues"))
    )
    marked = feature_matrix([(dense, cues)], ("ctx", "bloc", "lex", "cues", "mention"))
    width = len(dense["ctx"]) + len(dense["bloc"])
    assert marked.shape[1] == shipped.shape[1] + 2 * dim
    np.testing.assert_array_equal(marked[0, width : width + 2 * dim], dense["mention"])
    np.testing.assert_array_equal(marked[0, -HASH_DIM:], shipped[0, -HASH_DIM:])


def test_without_sentence_vectors_the_mention_parts_are_zeros(encoder) -> None:
    doc = Document(id="e", text="")
    doc.paragraphs, doc.sentences = segment(doc.text)
    contracts.SENTENCE_VECTORS.put(doc, np.zeros((0, encoder.dimension), np.float32))
    dense, _ = mention_features(doc, 0, 0, None, parts=("ctx", "mention"), encoder=encoder)
    assert dense["mention"].shape == (2 * encoder.dimension,) and not dense["mention"].any()


class _CountingEncoder:
    """The real encoder, counting the backbone passes that give token states."""

    def __init__(self, encoder) -> None:
        self.inner, self.passes = encoder, 0
        self.dimension, self.name, self.model = encoder.dimension, encoder.name, encoder.model

    def encode(self, texts):
        return self.inner.encode(texts)

    def encode_with_tokens(self, texts):
        self.passes += 1
        return self.inner.encode_with_tokens(texts)


class _MentionHeads:
    """Role heads over ctx + mention that keep the rows they were given."""

    parts = ("ctx", "mention")
    main_roles = list(load_roles().main_roles)
    fine_roles = list(load_roles().fine_roles)
    threshold, joint = 1.0, True

    def probabilities(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.rows = x
        main = np.tile([0.2, 0.7, 0.1], (len(x), 1))
        return main, np.full((len(x), len(self.fine_roles)), 0.5)


def test_given_mentions_use_the_embeddings_pass_token_states(encoder) -> None:
    counting = _CountingEncoder(encoder)
    doc = _doc()
    Embeddings(encoder=counting).process([doc])
    contracts.SPACY_PARSE.put(doc, load_spacy()(TEXT))
    heads = _MentionHeads()
    spans = [(0, 6), (TEXT.index("Ukraine"), TEXT.index("Ukraine") + 7)]
    found = classify_mentions(doc, spans, heads, counting)  # type: ignore[arg-type]
    assert counting.passes == 1  # the embeddings pass only: no second backbone pass
    assert [m.text for m in found] == ["Russia", "Ukraine"]
    assert all(m.main_role == "Antagonist" for m in found)
    dim = encoder.dimension
    assert heads.rows.shape == (2, 3 * dim + 2 + 2 * dim)
    np.testing.assert_allclose(
        heads.rows[1, -2 * dim : -dim], span_vectors(doc, spans[1:], encoder)[0], atol=1e-6
    )
