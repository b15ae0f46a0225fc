"""Run-time feature hashing and stop words equal scikit-learn's, which the heads were trained on."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from narrascope.text import stopwords
from narrascope.text.hashing import FeatureHashing

ROWS = [
    {"w=missile": 1.0, "suffix": "ile", "cap": 0.0, "rep": 0.37, "shape": "Xxxx"},
    {},
    {"w=Киев": 1.0, "w=कीव": 2.0, "w=missile": 0.5},
    {"pos": "NOUN", "pos=NOUN": 1.0},  # a string value and its spelled-out twin share a column
]


def test_dict_rows_match_scikit_learn() -> None:
    for bits in (4, 11, 18):
        expected = FeatureHasher(n_features=2**bits, input_type="dict", alternate_sign=False)
        ours = FeatureHashing(2**bits).dicts(ROWS)
        theirs = expected.transform(ROWS).tocsr()
        assert ours.shape == theirs.shape
        np.testing.assert_array_equal(ours.toarray(), theirs.toarray())
        assert ours.nnz == theirs.nnz  # zero values dropped, repeated columns summed


def test_string_rows_match_scikit_learn() -> None:
    rows = [["l_said", "r_strike", "l_said"], [], ["a_RUS", "b_east", "m_россия"]]
    theirs = FeatureHasher(n_features=2**11, input_type="string", alternate_sign=False)
    np.testing.assert_array_equal(
        FeatureHashing(2**11).strings(rows).toarray(), theirs.transform(rows).toarray()
    )


def test_column_is_remembered_and_stable() -> None:
    hashing = FeatureHashing(2**18)
    first = hashing.column("w=sanctions")
    assert hashing.column("w=sanctions") == first
    assert 0 <= first < 2**18


def test_stop_words_are_scikit_learns() -> None:
    assert stopwords.english() == frozenset(ENGLISH_STOP_WORDS)
    assert "the" in stopwords.english() and "missile" not in stopwords.english()


def test_loading_the_default_pipeline_does_not_import_scikit_learn() -> None:
    """scikit-learn's import costs ~1.5 CPU-seconds of start-up; English runs do not need it."""
    code = (
        "import sys\n"
        "from narrascope import Pipeline\n"
        "from narrascope.config import Config\n"
        "Pipeline.from_config(Config.load())\n"
        "print(sorted(m for m in sys.modules if m == 'sklearn' or m.startswith('sklearn.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
