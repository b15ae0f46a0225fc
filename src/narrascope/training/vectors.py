"""Documents with backbone vectors for training: segmented like the pipeline, encoded through the cache.

Trainers encode with the encoder of one profile's packaged config: "accurate" (default.toml) unless
a caller chooses another with `use_profile` (`narrascope train TASK --profile fast`), so that a
trained package fits the pipeline of that profile (its encoder identity goes into `meta.json`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import lru_cache

from narrascope.analyzers import contracts
from narrascope.config import Config
from narrascope.document import Document
from narrascope.encoders import Encoder, build_encoder
from narrascope.text.segment import segment

_active = {"profile": "accurate"}


def active_profile() -> str:
    """The profile whose encoder trainers use now."""
    return _active["profile"]


def profile_flag() -> str:
    """What a rebuild command needs to name the active profile ("" for the accurate one)."""
    profile = active_profile()
    return "" if profile == "accurate" else f" --profile {profile}"


def profile_note() -> str:
    """A model card's opening note for a package trained for another profile than the accurate
    one ("" for the accurate one): which backbone, and how to rebuild it."""
    profile = active_profile()
    if profile == "accurate":
        return ""
    encoder = training_encoder()
    return (
        f"> Trained for the `{profile}` profile on the vectors of `{encoder.model}` "
        f"({encoder.dimension}-d), not all-MiniLM-L6-v2's, wherever the text below says so; "
        f"rebuild with `--profile {profile}` added to the command. Its quality beside the "
        "accurate profile's: docs/benchmarks.md.\n\n"
    )


@contextlib.contextmanager
def use_profile(profile: str) -> Iterator[None]:
    """Within the block, trainers and cross-validation encode with `profile`'s encoder."""
    Config.load(profile=profile)  # an unknown profile is refused here
    previous = _active["profile"]
    _active["profile"] = profile
    try:
        yield
    finally:
        _active["profile"] = previous


def training_encoder(profile: str | None = None) -> Encoder:
    """The encoder of `profile`'s packaged config (default: the active profile), the one its
    shipped pipeline runs."""
    return build_encoder(Config.load(profile=profile or active_profile()).encoder)


def encoder_cache():  # type: ignore[no-untyped-def]
    """The persistent vector cache over the training encoder (each text is encoded once)."""
    return _cache(training_encoder())


@lru_cache(maxsize=4)
def _cache(encoder: Encoder):  # type: ignore[no-untyped-def]
    from narrascope.encoders.cache import VectorCache

    return VectorCache(encoder)


def make_doc(doc_id: str, text: str, cache) -> Document:
    """A segmented document whose sentence vectors are in its cache, as after `embeddings`."""
    doc = Document(id=doc_id, text=text)
    doc.paragraphs, doc.sentences = segment(text)
    contracts.SENTENCE_VECTORS.put(doc, cache.encode([doc.sentence_text(s) for s in doc.sentences]))
    return doc
