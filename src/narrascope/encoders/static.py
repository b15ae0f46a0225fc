"""A static backbone: one vector per MiniLM token, averaged over a sentence (no network to run).

The packaged model (`narrascope/models/static-minilm/`) was distilled from all-MiniLM-L6-v2 with
model2vec: every token of MiniLM's vocabulary is encoded once by the full model, reduced by PCA to
256 dimensions, weighted by its frequency (SIF) and stored as int8. A sentence's vector is the
mean of its tokens' rows, L2-normalised. That costs a tokenizer pass and a lookup, so it runs at
tens of thousands of sentences per second on a CPU, for the `fast` profile; its vectors are not
MiniLM's (another identity), so heads trained on MiniLM do not fit it and are refused.

Inference needs `model2vec` (numpy, tokenizers, safetensors), never torch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from narrascope import budget

PACKAGED = "static-minilm"


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

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        budget.check()
        vectors = self._model.encode(
            list(texts), max_length=self.max_tokens, normalize=True, use_multiprocessing=False
        )
        return np.asarray(vectors, dtype=np.float32)
