"""Check-worthy claims per sentence, each marked factual, opinion or call to action."""

from __future__ import annotations

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.document import Document
from narrascope.relations.claims import find_claims
from narrascope.relations.mentions import english


class Claims(Analyzer):
    name = "claims"
    requires = (
        contracts.SENTENCES,
        contracts.SPACY_PARSE,
        contracts.ACTORS,
        contracts.RELATIONS,
    )
    optional = (contracts.LANGUAGE,)
    produces = (contracts.CLAIMS,)
    languages = ("en",)

    def __init__(self, threshold: float = 0.4) -> None:
        self.threshold = threshold

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            if not english(doc):
                continue
            doc.claims = find_claims(doc, contracts.SPACY_PARSE.get(doc), self.threshold)
