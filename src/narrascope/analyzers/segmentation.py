"""Paragraphs and sentences with offsets: the one segmentation pass every later layer reuses."""

from __future__ import annotations

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.document import Document
from narrascope.text.segment import segment


class Segmentation(Analyzer):
    name = "segmentation"
    produces = (contracts.PARAGRAPHS, contracts.SENTENCES)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            doc.paragraphs, doc.sentences = segment(doc.text)
