"""Directed, typed relations between actors, one sentence of evidence each.

Two engines: `learned` (default) scores every candidate actor pair of a sentence with the
packaged model trained on the project's annotations (`models/relations`), using the rule
extractor's output as features; `rules` keeps the rule extractor's output alone.
"""

from __future__ import annotations

from pathlib import Path

from narrascope.analyzers.base import Analyzer
from narrascope.analyzers.embeddings import SENTENCE_VECTORS
from narrascope.document import Document
from narrascope.relations.extract import extract
from narrascope.relations.learned import LearnedExtractor
from narrascope.relations.mentions import english, find_mentions

PACKAGED = Path(__file__).resolve().parents[1] / "models" / "relations"
ENGINES = ("learned", "rules")


class Relations(Analyzer):
    name = "relations"
    requires = ("segmentation", "entities", "actors", "embeddings")
    languages = ("en",)
    produces = ("relations",)

    def __init__(
        self, min_confidence: float = 0.0, engine: str = "learned", model: str = ""
    ) -> None:
        if engine not in ENGINES:
            raise ValueError(f"relations engine must be one of {ENGINES}, got {engine!r}")
        self.min_confidence = min_confidence
        self.learned: LearnedExtractor | None = None
        if engine == "learned":
            self.learned = LearnedExtractor(Path(model) if model else PACKAGED)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            if not english(doc):
                continue
            parsed = doc.cache["spacy"]
            mentions = doc.cache.get("mentions") or find_mentions(doc.text, parsed)
            found = extract(doc, parsed, mentions)
            if self.learned is not None:
                found = self.learned.extract(
                    doc, parsed, mentions, found, doc.cache.get(SENTENCE_VECTORS)
                )
            doc.relations = [r for r in found if r.confidence >= self.min_confidence]
