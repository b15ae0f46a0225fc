"""The pipeline: named analyzers from a config, run over batches of documents.

`Pipeline.run` streams documents through in batches; one bad document never stops the batch:
if a batch fails, its documents are retried one by one and only the culprit is reported as a
`Failure`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from narrascope import budget, registry
from narrascope.analyzers.base import Analyzer
from narrascope.config import Config
from narrascope.document import Document, Failure


class Pipeline:
    """Named analyzers in order; models load once, when the pipeline is built."""

    def __init__(self, analyzers: list[Analyzer], config: Config | None = None) -> None:
        self.analyzers = analyzers
        self.config = config or Config.load()
        self._check_order()

    @classmethod
    def from_config(
        cls, config: Config | str | Path | None = None, only: list[str] | None = None
    ) -> Pipeline:
        """Build from a config (or its path; None = the packaged default).

        `only` restricts the run to these analyzers plus whatever they require.
        """
        if not isinstance(config, Config):
            config = Config.load(config)
        names = list(config.analyzers)
        if only:
            names = _with_requirements(only, names)
        analyzers = []
        for name in names:
            cls_ = registry.get(name)
            options = config.options_for(name)
            if name == "embeddings":
                options = {**config.encoder.model_dump(), **options}
            analyzers.append(cls_(**options))
        return cls(analyzers, config)

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.analyzers]

    def _check_order(self) -> None:
        seen: set[str] = set()
        for analyzer in self.analyzers:
            missing = [r for r in analyzer.requires if r not in seen]
            if missing:
                raise ValueError(f"analyzer {analyzer.name!r} needs {missing} to run before it")
            seen.add(analyzer.name)

    def apply(self, docs: list[Document]) -> None:
        """Every analyzer over the batch, each on the documents it has models for; the others
        get an `unavailable` marker. The cache stays (see `process_batch`)."""
        for doc in docs:  # a re-analysed document starts without the old markers
            for name in self.names:
                doc.unavailable.pop(name, None)
        for analyzer in self.analyzers:
            budget.check()
            ready = [doc for doc in docs if not _mark_unavailable(analyzer, doc)]
            if ready:
                analyzer.process(ready)

    def process_batch(self, docs: list[Document]) -> None:
        self.apply(docs)
        for doc in docs:
            doc.analyzers = self.names
            doc.cache.clear()

    def analyze(self, item: str | Document) -> Document:
        """Analyse one text or document and return it with its layers."""
        doc = item if isinstance(item, Document) else document_from_text(item)
        self.process_batch([doc])
        return doc

    def run(
        self, docs: Iterable[Document], batch_size: int | None = None
    ) -> Iterator[Document | Failure]:
        """Analyse a stream; yields each document (or a Failure) as soon as its batch is done."""
        size = batch_size or self.config.batch_size
        batch: list[Document] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= size:
                yield from self._safe_batch(batch)
                batch = []
        if batch:
            yield from self._safe_batch(batch)

    def _safe_batch(self, batch: list[Document]) -> Iterator[Document | Failure]:
        """Process a batch; if it fails, retry its documents one by one to isolate the culprit."""
        try:
            self.process_batch(batch)
        except budget.OverBudget:
            for doc in batch:
                doc.cache.clear()
            raise  # the whole run is over its budget: retrying one by one would only take longer
        except Exception as exc:
            if len(batch) > 1:
                for doc in batch:
                    yield from self._safe_batch([doc])
                return
            doc = batch[0]
            doc.cache.clear()
            yield Failure(
                input=doc.meta.get("input", doc.id),
                reason=f"analysis failed: {type(exc).__name__}: {exc}",
            )
            return
        yield from batch


def _mark_unavailable(analyzer: Analyzer, doc: Document) -> bool:
    """Record on `doc` why `analyzer` cannot run on it; True when it must be skipped."""
    reason = analyzer.unavailable_reason(doc)
    if reason is None:
        return False
    doc.unavailable[analyzer.name] = reason
    return True


def _with_requirements(wanted: list[str], order: list[str]) -> list[str]:
    needed: set[str] = set()
    stack = list(wanted)
    while stack:
        name = stack.pop()
        if name in needed:
            continue
        needed.add(name)
        stack.extend(registry.get(name).requires)
    known = [n for n in order if n in needed]
    return known + [n for n in wanted if n not in known]


def document_from_text(text: str, id: str | None = None, **fields: object) -> Document:
    """A Document from raw text; the title is the first non-empty line."""
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")
    doc = Document(id=id or "", title=title, text=text, **fields)  # type: ignore[arg-type]
    if not doc.id:
        doc.id = doc.content_hash[:16]
    return doc


_default: Pipeline | None = None


def analyze(item: str | Document) -> Document:
    """Analyse one article with the default pipeline (built once per process)."""
    global _default
    if _default is None:
        _default = Pipeline.from_config()
    return _default.analyze(item)
