"""TF-IDF term weights at run time, without scikit-learn's vectorizer object.

A trained head stores its vocabulary and idf weights as arrays; `TermWeights.transform` gives the
same l2-normalised, sublinear word uni- and bigram weights as the training-time
`sklearn.feature_extraction.text.TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)`
(lower-cased words of two or more word characters), as (column indices, values).
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import repeat
from typing import Any

import numpy as np

TOKEN = re.compile(r"(?u)\b\w\w+\b")


def ngrams(text: str) -> list[str]:
    """Word unigrams and bigrams as the training vectorizer forms them."""
    words = TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def ngram_counts(text: str) -> Counter[str]:
    """How often each word unigram and bigram occurs in `text`."""
    return Counter(ngrams(text))


class TermWeights:
    def __init__(self, terms: list[str] | np.ndarray, idf: np.ndarray) -> None:
        self.index = {str(t): i for i, t in enumerate(terms)}
        self.idf = np.asarray(idf, dtype=np.float64)

    def transform(
        self, text: str, grams: Counter[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, values) of one text; `grams`: its `ngram_counts`, when counted
        already (heads reading the same text share them)."""
        if grams is None:
            grams = ngram_counts(text)
        # one dictionary lookup per n-gram (-1: not in the vocabulary), in first-seen order
        found = np.fromiter(map(self.index.get, grams, repeat(-1)), np.int64, len(grams))
        known = found >= 0
        if not known.any():
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        idx = found[known]
        counts = np.fromiter(grams.values(), np.float64, len(grams))[known]
        values = (1.0 + np.log(counts)) * self.idf[idx]  # sublinear tf, as the vectoriser's
        return idx, values / max(float(np.linalg.norm(values)), 1e-12)

    def matrix(self, grams: list[Counter[str]]) -> Any:
        """The rows of several texts (given as their `ngram_counts`) as a sparse matrix."""
        from scipy import sparse

        rows = [self.transform("", g) for g in grams]
        indptr = np.cumsum([0] + [len(idx) for idx, _ in rows])
        indices = np.concatenate([idx for idx, _ in rows]) if rows else np.zeros(0, np.int64)
        data = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, np.float64)
        return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(self.index)))
