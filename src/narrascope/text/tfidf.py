"""TF-IDF term weights at run time, without scikit-learn's vectorizer object.

A trained head stores its vocabulary and idf weights as arrays; `TermWeights.transform` gives the
same l2-normalised, sublinear word uni- and bigram weights as the training-time
`sklearn.feature_extraction.text.TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)`
(lower-cased words of two or more word characters), as (column indices, values).
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

TOKEN = re.compile(r"(?u)\b\w\w+\b")


def ngrams(text: str) -> list[str]:
    """Word unigrams and bigrams as the training vectorizer forms them."""
    words = TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


class TermWeights:
    def __init__(self, terms: list[str] | np.ndarray, idf: np.ndarray) -> None:
        self.index = {str(t): i for i, t in enumerate(terms)}
        self.idf = np.asarray(idf, dtype=np.float64)

    def transform(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(g for g in ngrams(text) if g in self.index)
        if not counts:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        idx = np.array([self.index[g] for g in counts], np.int64)
        values = np.array([1.0 + math.log(n) for n in counts.values()]) * self.idf[idx]
        return idx, values / max(float(np.linalg.norm(values)), 1e-12)
