"""Language identification (py3langid, a compact model shipped inside its package)."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
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
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="langid-load")
        self._loading: Future[Any] | None = pool.submit(_load_identifier)
        pool.shutdown(wait=False)  # the thread ends with the task
        self._identifier: Any = None

    def wait_loaded(self) -> None:
        _ = self.identifier  # the loading thread's result

    @property
    def identifier(self) -> Any:
        if self._identifier is None:
            assert self._loading is not None
            self._identifier, self._loading = self._loading.result(), None
        return self._identifier

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            if doc.language is not None:  # given by the input (e.g. a JSONL field)
                continue
            code, prob = self.identifier.classify(doc.text[: self.sample_chars])
            doc.language = Language(code=str(code), score=round(float(prob), 4))
