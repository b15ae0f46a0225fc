"""Hashed feature columns at run time, without importing scikit-learn.

The role and technique heads were trained on `sklearn.feature_extraction.FeatureHasher`
(`alternate_sign=False`) columns. Importing scikit-learn costs about 1.5 CPU-seconds (it pulls in
scipy.stats), more than a third of the pipeline's loading time, so inference computes the same
columns here: signed 32-bit MurmurHash3 (seed 0) of the UTF-8 feature name, its absolute value
modulo the column count, `name=value` for string values, zero values dropped and repeated
columns summed. `tests/test_hashing.py` checks equality with scikit-learn's output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import mmh3
import numpy as np
from scipy import sparse

_INT32_MIN = -(2**31)
_CACHE_LIMIT = 500_000  # distinct names remembered before the cache starts over


class FeatureHashing:
    """Feature names (or name -> value mappings) to a sparse matrix of `n_features` columns."""

    def __init__(self, n_features: int) -> None:
        self.n_features = n_features
        self._columns: dict[str, int] = {}

    def column(self, name: str) -> int:
        """The column of one feature name (remembered: most names recur in every article)."""
        col = self._columns.get(name)
        if col is None:
            h = mmh3.hash(name, 0, True)
            # abs(-2**31) does not fit 32 bits; scikit-learn defines this case the same way
            col = (
                (2**31 - 1 - (self.n_features - 1)) % self.n_features
                if h == _INT32_MIN
                else abs(h) % self.n_features
            )
            if len(self._columns) >= _CACHE_LIMIT:
                self._columns.clear()
            self._columns[name] = col
        return col

    def strings(self, rows: Iterable[Iterable[str]]) -> sparse.csr_matrix:
        """One row per list of names, each occurrence counting 1."""
        indices: list[int] = []
        indptr = [0]
        for row in rows:
            indices.extend(self.column(name) for name in row)
            indptr.append(len(indices))
        return self._matrix(indices, [1.0] * len(indices), indptr)

    def dicts(self, rows: Iterable[Mapping[str, float | str]]) -> sparse.csr_matrix:
        """One row per mapping; a string value `v` of `k` is the feature `k=v` with value 1."""
        indices: list[int] = []
        values: list[float] = []
        indptr = [0]
        for row in rows:
            for name, value in row.items():
                if isinstance(value, str):
                    name, value = f"{name}={value}", 1.0
                if value == 0:
                    continue
                indices.append(self.column(name))
                values.append(float(value))
            indptr.append(len(indices))
        return self._matrix(indices, values, indptr)

    def _matrix(
        self, indices: list[int], values: list[float], indptr: list[int]
    ) -> sparse.csr_matrix:
        matrix = sparse.csr_matrix(
            (
                np.asarray(values, np.float64),
                np.asarray(indices, np.int32),
                np.asarray(indptr, np.int64),
            ),
            shape=(len(indptr) - 1, self.n_features),
        )
        matrix.sum_duplicates()  # also sorts each row's columns, as scikit-learn's does
        return matrix
