"""A static backbone: one vector per MiniLM token, averaged over a sentence (no network to run).

The packaged model (`narrascope/models/static-minilm/`) was distilled from all-MiniLM-L6-v2 with
model2vec: every token of MiniLM's vocabulary is encoded once by the full model, reduced by PCA to
256 dimensions, weighted by its frequency (SIF) and stored as int8. A sentence's vector is the
mean of its tokens' rows, L2-normalised. That costs a tokenizer pass and a lookup, so it runs at
tens of thousands of sentences per second on a CPU, for the `fast` profile; its vectors are not
MiniLM's (another identity), so heads trained on MiniLM do not fit it and are refused.

For an int8 model with a BERT tokenizer (the packaged one) the encoder computes model2vec's
vectors itself: token ids from `WordPieceCache` (most sentences skip the tokenizer) and the
mean of the rows summed as integers, which is exact, so the vectors are bit for bit model2vec's.

Inference needs `model2vec` (numpy, tokenizers, safetensors), never torch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from itertools import chain
from pathlib import Path

import numpy as np

from narrascope import budget
from narrascope.encoders.wordpiece import WordPieceCache, safe_marks

PACKAGED = "static-minilm"
CHUNK = 1024  # sentences pooled at once (model2vec's batch size), bounding the rows gathered


def packaged_model_path() -> Path:
    return Path(str(resources.files("narrascope") / "models" / PACKAGED))


def _identity_of(path: Path, given: str) -> str:
    """The identity recorded in the folder's `meta.json` (the packaged model has one); else
    `model2vec:` and the name the user gave."""
    meta = path / "meta.json"
    if meta.is_file():
        return str(json.loads(meta.read_text(encoding="utf-8"))["encoder"]["model"])
    return f"model2vec:{given}"


class StaticEncoder:
    """A model2vec `StaticModel` (a folder, or a Hugging Face name on a machine that can
    download) as the pipeline's encoder; `model` empty = the packaged distilled MiniLM."""

    def __init__(self, model: str | None = None, max_tokens: int = 512) -> None:
        from model2vec import StaticModel

        path = Path(model) if model else packaged_model_path()
        given = model or PACKAGED
        self._model = StaticModel.from_pretrained(str(path) if path.exists() else given)
        self.model = _identity_of(path, given) if path.exists() else f"model2vec:{given}"
        self.name = f"static:{self.model}"
        self.dimension = int(self._model.dim)
        self.max_tokens = max_tokens
        self._pieces = self._fast_tokens()
        # the rows as int32 for exact integer sums (`_encode_chunk`); 30 MB for the packaged model
        self._rows = self._model.embedding.astype(np.int32) if self._pieces else None

    def _fast_tokens(self) -> WordPieceCache | None:
        """The own path's token ids, for a model whose vectors it computes exactly (int8 rows,
        no token mapping or weights, a BERT tokenizer); None: model2vec encodes."""
        m = self._model
        if m.embedding.dtype != np.int8 or m.token_mapping is not None or m.weights is not None:
            return None
        marks = safe_marks(m.tokenizer)
        return None if marks is None else WordPieceCache(m.tokenizer, marks)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        budget.check()
        if self._pieces is None:
            vectors = self._model.encode(
                list(texts), max_length=self.max_tokens, normalize=True, use_multiprocessing=False
            )
            return np.asarray(vectors, dtype=np.float32)
        return np.concatenate(
            [self._encode_chunk(texts[i : i + CHUNK]) for i in range(0, len(texts), CHUNK)]
        )

    def _encode_chunk(self, texts: Sequence[str]) -> np.ndarray:
        """model2vec's `encode` of int8 rows: texts cut to `max_tokens` times the median token
        length in characters, ids to `max_tokens`, unknown tokens dropped, the mean of the rows
        (an empty sentence: zeros), L2-normalised in float32."""
        from scipy import sparse

        assert self._pieces is not None and self._rows is not None
        m = self._model
        cut = self.max_tokens * m.median_token_length
        ids = self._pieces.ids([t[:cut] for t in texts])
        ids = [x[: self.max_tokens] for x in ids]
        if m.unk_token_id is not None:
            unk = m.unk_token_id
            ids = [[i for i in x if i != unk] if unk in x else x for x in ids]
        lengths = np.fromiter(map(len, ids), np.int64, len(ids))
        flat = np.fromiter(chain.from_iterable(ids), np.int64, int(lengths.sum()))
        # each row of `counts` counts a sentence's tokens: its product with the rows is their sum,
        # in integers (exact), so the float64 quotient is numpy's mean of the int8 rows to the bit
        counts = sparse.csr_matrix(
            (np.ones(len(flat), np.int32), flat, np.concatenate([[0], np.cumsum(lengths)])),
            shape=(len(ids), len(self._rows)),
        )
        out = np.zeros((len(ids), self.dimension), np.float32)
        full = lengths > 0
        out[full] = (counts @ self._rows)[full] / lengths[full, None]
        norm = np.linalg.norm(out, axis=1, keepdims=True) + 1e-32
        return out / norm
