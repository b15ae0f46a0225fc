"""Documents with backbone vectors for training: segmented like the pipeline, encoded through the cache."""

from __future__ import annotations

from narrascope.analyzers.embeddings import SENTENCE_VECTORS
from narrascope.document import Document
from narrascope.text.segment import segment


def encoder_cache():
    """The persistent vector cache over the default backbone (each text is encoded once)."""
    from narrascope.encoders.cache import VectorCache
    from narrascope.encoders.minilm import get_encoder

    return VectorCache(get_encoder())


def make_doc(doc_id: str, text: str, cache) -> Document:
    """A segmented document whose sentence vectors are in its cache, as after `embeddings`."""
    doc = Document(id=doc_id, text=text)
    doc.paragraphs, doc.sentences = segment(text)
    doc.cache[SENTENCE_VECTORS] = cache.encode([doc.sentence_text(s) for s in doc.sentences])
    return doc
