"""BERT encoder layers in numpy, for the small fine-tuned tops that sit on the shared backbone.

A task model fine-tunes only the last transformer layers and keeps the backbone's lower layers,
so inference needs just those few layers. Running them in numpy keeps inference torch-free and
exact (no export step that could trace shapes wrongly), at the cost of BLAS speed, which is what
ONNX Runtime would use for fp32 matmuls as well.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def _gelu(x: np.ndarray) -> np.ndarray:
    """The exact (erf) GELU that BERT uses."""
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


@dataclass
class BertLayer:
    """One post-norm BERT layer: self-attention and a feed-forward block, each with a residual."""

    q_w: np.ndarray
    q_b: np.ndarray
    k_w: np.ndarray
    k_b: np.ndarray
    v_w: np.ndarray
    v_b: np.ndarray
    o_w: np.ndarray
    o_b: np.ndarray
    ln1_g: np.ndarray
    ln1_b: np.ndarray
    i_w: np.ndarray
    i_b: np.ndarray
    f_w: np.ndarray
    f_b: np.ndarray
    ln2_g: np.ndarray
    ln2_b: np.ndarray
    heads: int
    eps: float = 1e-12

    def __call__(self, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """`x`: (batch, tokens, hidden); `mask`: (batch, tokens), 1 for real tokens."""
        b, t, h = x.shape
        d = h // self.heads

        def split(y: np.ndarray) -> np.ndarray:
            return y.reshape(b, t, self.heads, d).transpose(0, 2, 1, 3)

        q = split(x @ self.q_w + self.q_b)
        k = split(x @ self.k_w + self.k_b)
        v = split(x @ self.v_w + self.v_b)
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d)
        scores = np.where(mask[:, None, None, :] > 0, scores, np.float32(-1e9))
        scores = scores - scores.max(-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(-1, keepdims=True)
        context = (weights @ v).transpose(0, 2, 1, 3).reshape(b, t, h)
        x = _layer_norm(context @ self.o_w + self.o_b + x, self.ln1_g, self.ln1_b, self.eps)
        inner = _gelu(x @ self.i_w + self.i_b)
        return _layer_norm(inner @ self.f_w + self.f_b + x, self.ln2_g, self.ln2_b, self.eps)


# parameter name suffixes in a Hugging Face BertLayer state dict -> BertLayer fields
# (linear weights are stored (out, in) there and transposed here)
HF_NAMES = {
    "attention.self.query": ("q_w", "q_b"),
    "attention.self.key": ("k_w", "k_b"),
    "attention.self.value": ("v_w", "v_b"),
    "attention.output.dense": ("o_w", "o_b"),
    "attention.output.LayerNorm": ("ln1_g", "ln1_b"),
    "intermediate.dense": ("i_w", "i_b"),
    "output.dense": ("f_w", "f_b"),
    "output.LayerNorm": ("ln2_g", "ln2_b"),
}


def layer_arrays(state: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    """Flat arrays of one layer, named by BertLayer fields, from a `prefix`ed HF state dict."""
    out = {}
    for module, (w_name, b_name) in HF_NAMES.items():
        w = state[f"{prefix}{module}.weight"]
        out[w_name] = w if "LayerNorm" in module else w.T
        out[b_name] = state[f"{prefix}{module}.bias"]
    return out


def load_layers(arrays: dict[str, np.ndarray], count: int, heads: int) -> list[BertLayer]:
    """Layers stored as `layer{k}.{field}` arrays (see `layer_arrays`)."""
    layers = []
    for k in range(count):
        fields = {
            name: np.ascontiguousarray(arrays[f"layer{k}.{name}"], dtype=np.float32)
            for pair in HF_NAMES.values()
            for name in pair
        }
        layers.append(BertLayer(**fields, heads=heads))  # type: ignore[arg-type]
    return layers
