"""Language identification (py3langid, a compact model shipped inside its package)."""

from __future__ import annotations

from typing import Any

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.analyzers.loading import Background
from narrascope.document import Document, Language


def _load_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


class LanguageDetection(Analyzer):
    name = "language"
    produces = (contracts.LANGUAGE,)

    def __init__(self, sample_chars: int = 3000) -> None:
        self.sample_chars = sample_chars
        # Reading the model is mostly LZMA decompression (about 0.6 CPU-seconds), which releases
        # the GIL: it runs in a thread while the other analyzers load (`wait_loaded`).
        self._identifier = Background(_load_identifier, "langid-load")

    def wait_loaded(self) -> None:
        self._identifier.get()

    @property
    def identifier(self) -> Any:
        return self._identifier.get()

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            if doc.language is not None:  # given by the input (e.g. a JSONL field)
                continue
            code, prob = self.identifier.classify(doc.text[: self.sample_chars])
            doc.language = Language(code=str(code), score=round(float(prob), 4))
