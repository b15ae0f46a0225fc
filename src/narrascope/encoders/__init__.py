"""Sentence encoders: the one place a pipeline's backbone is built from its config.

`build_encoder(config.encoder)` is the only constructor analyzers, evaluation and training use;
a new backend, export or profile plugs in there. `identity(encoder)` is what a model package
records and is checked against: the model's name and its dimension. Two builds of one model
(int8 or fp32 ONNX, sentence-transformers) share an identity; a setting that changes the vectors
(`padding = "fixed"`, 128 padded positions in the mean) gives another
(`sentence-transformers/all-MiniLM-L6-v2+padded-128`). The static backbone of the `fast` profile
(`backend = "static"`, encoders/static.py) is another model with its own identity and dimension.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from narrascope.encoders.minilm import Encoder, get_encoder

if TYPE_CHECKING:
    from narrascope.config import EncoderConfig

__all__ = ["Encoder", "EncoderIdentity", "build_encoder", "identity"]


class EncoderIdentity(NamedTuple):
    model: str
    dimension: int

    def __str__(self) -> str:
        return f"{self.model} ({self.dimension}-d)"


def build_encoder(config: EncoderConfig | None = None) -> Encoder:
    """The encoder an `[encoder]` config section describes (None: the packaged default's);
    loaded once per process and setting."""
    if config is None:
        from narrascope.config import Config

        config = Config.load().encoder
    return get_encoder(
        config.backend,
        config.model or None,
        config.max_tokens,
        config.variant,
        config.padding,
        config.spin_wait,
    )


def identity(encoder: Encoder) -> EncoderIdentity:
    return EncoderIdentity(encoder.model, int(encoder.dimension))
