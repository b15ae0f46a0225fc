"""Documents with backbone vectors for training: segmented like the pipeline, encoded through the cache."""

from __future__ import annotations

from functools import lru_cache

from narrascope.analyzers import contracts
from narrascope.document import Document
from narrascope.encoders import Encoder, build_encoder
from narrascope.text.segment import segment


def training_encoder() -> Encoder:
    """The encoder every trainer uses: the packaged config's `[encoder]`, the one the shipped
    pipeline runs, so that a trained package fits it (its identity goes into `meta.json`)."""
    return build_encoder()


@lru_cache(maxsize=1)
def encoder_cache():  # type: ignore[no-untyped-def]
    """The persistent vector cache over the training encoder (each text is encoded once)."""
    from narrascope.encoders.cache import VectorCache

    return VectorCache(training_encoder())


def make_doc(doc_id: str, text: str, cache) -> Document:
    """A segmented document whose sentence vectors are in its cache, as after `embeddings`."""
    doc = Document(id=doc_id, text=text)
    doc.paragraphs, doc.sentences = segment(text)
    contracts.SENTENCE_VECTORS.put(doc, cache.encode([doc.sentence_text(s) for s in doc.sentences]))
    return doc
