"""Directed, typed relations between actors, one sentence of evidence each (rules over the parse)."""

from __future__ import annotations

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.document import Document
from narrascope.relations.extract import extract
from narrascope.relations.mentions import english


class Relations(Analyzer):
    name = "relations"
    requires = (
        contracts.SENTENCES,
        contracts.ENTITIES,
        contracts.SPACY_PARSE,
        contracts.MENTIONS,
    )
    optional = (contracts.LANGUAGE,)
    produces = (contracts.RELATIONS,)

    def __init__(self, min_confidence: float = 0.0) -> None:
        self.min_confidence = min_confidence

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            if not english(doc):
                continue
            parsed = contracts.SPACY_PARSE.get(doc)
            mentions = contracts.MENTIONS.get(doc)
            doc.relations = [
                r for r in extract(doc, parsed, mentions) if r.confidence >= self.min_confidence
            ]
