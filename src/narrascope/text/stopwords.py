"""scikit-learn's English stop word list, read without importing scikit-learn.

The technique heads were trained with `sklearn.feature_extraction.text.ENGLISH_STOP_WORDS`;
importing scikit-learn to get that list costs about 1.5 CPU-seconds at start-up. The list lives
in a module of its own (`sklearn/feature_extraction/_stop_words.py`) that imports nothing, so it
is executed on its own here; if that file ever moves, the package is imported as usual.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def english() -> frozenset[str]:
    spec = importlib.util.find_spec("sklearn")
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py"
        module_spec = importlib.util.spec_from_file_location("_narrascope_stop_words", path)
        if path.is_file() and module_spec is not None and module_spec.loader is not None:
            module = importlib.util.module_from_spec(module_spec)
            module_spec.loader.exec_module(module)
            return frozenset(module.ENGLISH_STOP_WORDS)
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)
