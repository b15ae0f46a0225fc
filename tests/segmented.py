"""A document split into paragraphs and sentences, as the pipeline's first step leaves it."""

from __future__ import annotations

from narrascope.document import Document
from narrascope.text.segment import segment


def segmented(text: str, doc_id: str = "d") -> Document:
    doc = Document(id=doc_id, text=text)
    doc.paragraphs, doc.sentences = segment(doc.text)
    return doc
