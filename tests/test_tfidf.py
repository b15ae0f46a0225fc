"""Run-time TF-IDF weights match the training-time scikit-learn vectorizer."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from narrascope.text.tfidf import TermWeights, ngrams

TEXTS = [
    "Russia said on Monday that talks would resume. Talks, talks and more talks.",
    "We must act now: the West cannot keep talking while Ukraine burns!",
    "The ministry said the talks were constructive, according to a statement.",
    "Officials said the statement was issued on Monday.",
]


def test_ngrams_are_lower_case_words_and_bigrams() -> None:
    assert ngrams("The U.S. said: A deal") == [
        "the",
        "said",
        "deal",
        "the said",
        "said deal",
    ]


def test_transform_matches_the_vectorizer() -> None:
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(TEXTS)
    weights = TermWeights(vectorizer.get_feature_names_out(), vectorizer.idf_)
    unseen = "Talks resumed on Monday, the ministry said; talks said nothing new."
    for text in [*TEXTS, unseen]:
        expected = vectorizer.transform([text]).toarray()[0]
        idx, values = weights.transform(text)
        got = np.zeros_like(expected)
        got[idx] = values
        assert np.allclose(got, expected, atol=1e-9)


def test_text_without_known_terms_gives_no_weights() -> None:
    weights = TermWeights(["talks"], np.array([1.0]))
    idx, values = weights.transform("nothing here")
    assert idx.size == 0 and values.size == 0


def test_transform_keeps_first_seen_order_and_sublinear_counts() -> None:
    weights = TermWeights(["talks", "monday", "said", "talks said"], np.array([1.0, 2.0, 3.0, 4.0]))
    idx, values = weights.transform("Said: talks said, talks on Monday, talks.")
    # unigrams in first-seen order ("said" twice, "talks" three times, "monday" once), then
    # the bigram (once); grams outside the vocabulary are dropped; weight (1 + log count) * idf
    assert idx.tolist() == [2, 0, 1, 3]
    raw = np.array([3.0 * (1.0 + np.log(2.0)), 1.0 + np.log(3.0), 2.0, 4.0])
    assert np.allclose(values, raw / np.linalg.norm(raw), rtol=0, atol=1e-15)
    assert weights.transform("")[0].size == 0
