"""The tagger's probe of each word's backbone states (technique span identification)."""

from __future__ import annotations

import numpy as np
from tests.segmented import segmented

from narrascope.analyzers import contracts
from narrascope.analyzers import techniques as tech
from narrascope.analyzers.embeddings import Embeddings, word_states
from narrascope.document import Document
from narrascope.encoders.minilm import TokenStates

TEXT = "Moscow unleashed a barbaric onslaught.\n\nTalks resume on Monday."


def _doc() -> Document:
    return segmented(TEXT)


def test_word_states_average_the_word_pieces_under_each_word() -> None:
    doc = _doc()
    second = doc.sentences[1].start
    pieces = np.asarray([[1, 0], [3, 2], [5, 4]], np.float32)
    contracts.SENTENCE_VECTORS.put(doc, np.zeros((2, 2), np.float32))  # the dimension: 2
    # sentence 0 has no states kept; sentence 1: "Talks" is two pieces, "resume" one
    contracts.TOKEN_STATES.put(doc, [None, TokenStates.of(pieces, [(0, 3), (3, 5), (6, 12)])])
    words = [(second, second + 5, 1), (second + 6, second + 12, 1), (0, 6, 0)]
    got = word_states(doc, words, None)
    assert got.tolist() == [[2.0, 1.0], [5.0, 4.0], [0.0, 0.0]]


def test_word_states_from_the_pass_equal_those_encoded_on_demand(encoder) -> None:
    kept = _doc()
    Embeddings(encoder=encoder).process([kept])
    toks = tech.tokens(kept)
    words = [(t.start, t.end, t.sentence) for t in toks]
    later = _doc()
    from_pass = word_states(kept, words, encoder)
    on_demand = word_states(later, words, encoder)
    np.testing.assert_allclose(from_pass, on_demand, atol=2e-3)
    assert from_pass.shape == (len(toks), encoder.dimension) and np.abs(from_pass).sum(1).all()
    assert contracts.TOKEN_STATES.has(later)  # kept for the next reader


def test_the_probe_scores_standardised_states_and_survives_a_round_trip(tmp_path) -> None:
    probe = tech.TokenProbe(
        mean=np.asarray([1.0, 0.0], np.float32),
        scale=np.asarray([0.5, 2.0], np.float32),
        coef=np.asarray([2.0, -1.0], np.float32),
        intercept=0.25,
    )
    states = np.asarray([[3.0, 1.0], [1.0, 0.0]], np.float32)
    # ((3-1)*0.5)*2 + (1*2)*-1 + 0.25 = 0.25; the mean word scores the intercept
    np.testing.assert_allclose(probe.scores(states), [0.25, 0.25])
    probe.save(tmp_path / "p.npz")
    again = tech.TokenProbe.load(tmp_path / "p.npz")
    np.testing.assert_allclose(again.scores(states), probe.scores(states))


def test_the_tagger_matrix_gains_one_column_with_a_probe(encoder) -> None:
    doc = _doc()
    Embeddings(encoder=encoder).process([doc])
    toks = tech.tokens(doc)
    any_scores = np.asarray([0.9, 0.1])
    plain = tech.tagger_matrix(doc, toks, any_scores)
    assert plain.shape == (len(toks), 2**tech.HASH_BITS + 1)
    d = encoder.dimension
    probe = tech.TokenProbe(np.zeros(d), np.ones(d), np.ones(d) / d, -1.0)
    wider = tech.tagger_matrix(doc, toks, any_scores, probe, encoder)
    assert wider.shape == (len(toks), plain.shape[1] + 1)
    expected = probe.scores(word_states(doc, [(t.start, t.end, t.sentence) for t in toks], None))
    np.testing.assert_allclose(wider[:, -1].toarray()[:, 0], expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(wider[:, -2].toarray()[:, 0], [any_scores[t.sentence] for t in toks])


def test_neighbours_sit_beside_each_row_with_zeros_past_the_ends() -> None:
    states = np.asarray([[1.0], [2.0], [3.0]], np.float32)
    assert tech.with_neighbours(states, 0) is states
    np.testing.assert_array_equal(
        tech.with_neighbours(states, 1), [[0, 1, 2], [1, 2, 3], [2, 3, 0]]
    )
    assert tech.with_neighbours(states[:1], 2).tolist() == [[0, 0, 1, 0, 0]]


def test_a_probe_with_context_reads_the_next_word_and_keeps_it_when_saved(tmp_path) -> None:
    # one dimension, context 1: columns are (previous, own, next); only the next word counts
    probe = tech.TokenProbe(
        mean=np.zeros(1),
        scale=np.ones(1),
        coef=np.asarray([0.0, 0.0, 1.0]),
        intercept=0.0,
        context=1,
    )
    states = np.asarray([[5.0], [7.0], [9.0]], np.float32)
    np.testing.assert_allclose(probe.scores(states), [7.0, 9.0, 0.0])
    probe.save(tmp_path / "p.npz")
    again = tech.TokenProbe.load(tmp_path / "p.npz")
    assert again.context == 1
    np.testing.assert_allclose(again.scores(states), [7.0, 9.0, 0.0])


def test_the_trainer_fits_a_probe_over_each_word_and_its_neighbours(encoder) -> None:
    from narrascope.training.techniques import Article, fit_token_probe

    texts = [
        "Moscow unleashed a barbaric onslaught on the city.",
        "The ministers met in Geneva on Monday.",
        "A barbaric onslaught of lies swept the talks.",
        "Officials published the figures for the quarter.",
    ]
    articles = []
    for text in texts:
        doc = segmented(text)
        at = text.find("barbaric onslaught")
        spans = [(at, at + len("barbaric onslaught"), "Loaded_Language")] if at >= 0 else []
        articles.append(Article(doc=doc, spans=spans))
    probe = fit_token_probe(articles, encoder, c=10.0, context=1)
    assert probe.context == 1 and probe.coef.shape == (3 * encoder.dimension,)
    doc = articles[0].doc
    toks = tech.tokens(doc)
    scores = probe.scores(word_states(doc, [(t.start, t.end, t.sentence) for t in toks], encoder))
    inside = [
        s for t, s in zip(toks, scores) if doc.text[t.start : t.end] in ("barbaric", "onslaught")
    ]
    outside = [s for t, s in zip(toks, scores) if doc.text[t.start : t.end] in ("Moscow", "city")]
    assert min(inside) > max(outside)  # it learnt its training words apart
