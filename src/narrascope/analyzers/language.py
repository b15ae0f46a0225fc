"""Language identification (py3langid, a compact model shipped inside its package)."""

from __future__ import annotations

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.document import Document, Language


class LanguageDetection(Analyzer):
    name = "language"
    produces = (contracts.LANGUAGE,)

    def __init__(self, sample_chars: int = 3000) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self.sample_chars = sample_chars
        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            if doc.language is not None:  # given by the input (e.g. a JSONL field)
                continue
            code, prob = self._identifier.classify(doc.text[: self.sample_chars])
            doc.language = Language(code=str(code), score=round(float(prob), 4))
