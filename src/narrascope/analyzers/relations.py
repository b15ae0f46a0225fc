"""Directed, typed relations between actors, one sentence of evidence each (rules over the parse)."""

from __future__ import annotations

from narrascope.analyzers.base import Analyzer
from narrascope.document import Document
from narrascope.relations.extract import extract
from narrascope.relations.mentions import english, find_mentions


class Relations(Analyzer):
    name = "relations"
    requires = ("segmentation", "entities", "actors")
    produces = ("relations",)

    def __init__(self, min_confidence: float = 0.0) -> None:
        self.min_confidence = min_confidence

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            if not english(doc):
                continue
            parsed = doc.cache["spacy"]
            mentions = doc.cache.get("mentions") or find_mentions(doc.text, parsed)
            doc.relations = [
                r for r in extract(doc, parsed, mentions) if r.confidence >= self.min_confidence
            ]
