"""Directed, typed relations between actors, one sentence of evidence each.

Two engines: `rules` (default) keeps the rule extractor's output; `learned` scores every
candidate actor pair of a sentence with the packaged model trained on the project's annotations
(`models/relations`), using the rule extractor's output as features. The rules stay the default
until the learned model beats them on the dev annotations (today: higher F1, lower precision).
"""

from __future__ import annotations

from pathlib import Path

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.document import Document
from narrascope.encoders import Encoder
from narrascope.relations.extract import extract
from narrascope.relations.learned import LearnedExtractor
from narrascope.relations.mentions import english

PACKAGED = Path(__file__).resolve().parents[1] / "models" / "relations"
ENGINES = ("learned", "rules")


class Relations(Analyzer):
    name = "relations"
    requires = (
        contracts.SENTENCES,
        contracts.ENTITIES,
        contracts.SPACY_PARSE,
        contracts.MENTIONS,
        contracts.SENTENCE_VECTORS,
    )
    optional = (contracts.LANGUAGE,)
    produces = (contracts.RELATIONS,)
    languages = ("en",)
    uses_encoder = True

    def __init__(
        self,
        min_confidence: float = 0.0,
        engine: str = "rules",
        model: str = "",
        *,
        encoder: Encoder,
    ) -> None:
        if engine not in ENGINES:
            raise ValueError(f"relations engine must be one of {ENGINES}, got {engine!r}")
        self.min_confidence = min_confidence
        self.learned: LearnedExtractor | None = None
        if engine == "learned":
            self.learned = LearnedExtractor(Path(model) if model else PACKAGED, encoder)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            if not english(doc):
                continue
            parsed = contracts.SPACY_PARSE.get(doc)
            mentions = contracts.MENTIONS.get(doc)
            found = extract(doc, parsed, mentions)
            if self.learned is not None:
                found = self.learned.extract(
                    doc, parsed, mentions, found, contracts.SENTENCE_VECTORS.get(doc)
                )
            doc.relations = [r for r in found if r.confidence >= self.min_confidence]
