"""The pipeline: named analyzers from a config, checked against each other, run over batches.

Building a `Pipeline` checks every analyzer's contract (`narrascope.analyzers.contracts`): each
required input must be produced by an analyzer earlier in the list, so a misconfigured pipeline
fails at once, not on the first document. The pipeline builds one encoder from the config's
`[encoder]` section and hands it to every analyzer that uses one.

A lighter profile (`[pipeline] profile = "fast"`) runs fewer steps; every step of the accurate
profile it does not serve is marked unavailable in each document ("profile fast"), so a missing
layer is never mistaken for an empty one.

`Pipeline.run` streams documents through in batches; one bad document never stops the batch:
if a batch fails, its documents are retried one by one and only the culprit is reported as a
`Failure` (`isolate`, the one batch loop of the runner, the server, Ray and evaluation).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from narrascope import budget, registry
from narrascope.analyzers.base import Analyzer
from narrascope.analyzers.contracts import CacheKey, DocField, Requirement
from narrascope.config import Config
from narrascope.document import Document, Failure
from narrascope.encoders import Encoder, build_encoder
from narrascope.threads import one_blas_thread

Hook = Callable[[list[Document]], None]


class PipelineError(ValueError):
    """A pipeline whose analyzers do not fit together."""


class Pipeline:
    """Named analyzers in order; models load once, when the pipeline is built."""

    def __init__(
        self,
        analyzers: list[Analyzer],
        config: Config | None = None,
        encoder: Encoder | None = None,
    ) -> None:
        self.analyzers = analyzers
        self.config = config or Config.load()
        self.encoder = encoder
        check_contracts([type(a) for a in analyzers])
        self.omitted = omitted_steps(self.config.profile, [type(a) for a in analyzers])

    @classmethod
    def from_config(
        cls,
        config: Config | str | Path | None = None,
        only: list[str] | None = None,
        encoder: Encoder | None = None,
    ) -> Pipeline:
        """Build from a config (or its path; None = the packaged default).

        `only` restricts the run to these analyzers plus whatever they require; `encoder`
        replaces the one the config's `[encoder]` section describes (e.g. a cached one).
        """
        if not isinstance(config, Config):
            config = Config.load(config)
        names = list(config.analyzers)
        if only:
            names = with_requirements(only, names)
        config.check_options(names)
        classes = [registry.get(name) for name in names]
        check_contracts(classes)
        if encoder is None and any(c.uses_encoder for c in classes):
            encoder = build_encoder(config.encoder)
        analyzers = []
        for name, cls_ in zip(names, classes):
            options = config.options_for(name)
            if cls_.uses_encoder:
                options["encoder"] = encoder
            analyzers.append(cls_(**options))
        for analyzer in analyzers:  # models loading in the background (overlapping the above)
            analyzer.wait_loaded()
        return cls(analyzers, config, encoder)

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.analyzers]

    def apply(self, docs: list[Document]) -> None:
        """Every analyzer over the batch, each on the documents it has models for; the others
        get an `unavailable` marker. The cache stays (see `process_batch`)."""
        reason = f"profile {self.config.profile}"
        for doc in docs:  # a re-analysed document starts without the old markers
            for name in self.names:
                doc.unavailable.pop(name, None)
            for name in self.omitted:
                doc.unavailable[name] = reason
        upstream = upstream_steps(self.analyzers)
        beside = Beside()
        # the heads' products are small: one BLAS thread (see narrascope.threads); the backbone
        # runs on ONNX Runtime's own threads and is not affected
        with one_blas_thread():
            try:
                for analyzer in self.analyzers:
                    beside.wait_if_needed(analyzer)
                    budget.check()
                    skip = upstream[analyzer.name]
                    ready = [doc for doc in docs if not _mark_unavailable(analyzer, doc, skip)]
                    if not ready:
                        continue
                    if analyzer.runs_beside:
                        beside.start(analyzer, ready)
                    else:
                        analyzer.process(ready)
                beside.wait()
            finally:
                beside.wait(
                    quietly=True
                )  # after a failure too: no thread may still write to the batch

    def process_batch(self, docs: list[Document], after: Hook | None = None) -> None:
        """`apply`, then `after(docs)` while the cache (parse, vectors) is still there; the
        cache is cleared in any case."""
        try:
            self.apply(docs)
            if after is not None:
                after(docs)
            for doc in docs:
                doc.analyzers = self.names
        finally:
            for doc in docs:
                doc.cache.clear()

    def analyze(self, item: str | Document) -> Document:
        """Analyse one text or document and return it with its layers."""
        doc = item if isinstance(item, Document) else document_from_text(item)
        self.process_batch([doc])
        return doc

    def run(
        self,
        docs: Iterable[Document],
        batch_size: int | None = None,
        after: Hook | None = None,
    ) -> Iterator[Document | Failure]:
        """Analyse a stream; yields each document (or a Failure) as soon as its batch is done."""
        size = batch_size or self.config.batch_size
        batch: list[Document] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= size:
                yield from isolate(batch, lambda b: self.process_batch(b, after))
                batch = []
        if batch:
            yield from isolate(batch, lambda b: self.process_batch(b, after))


class Beside:
    """At most one step running in a second thread (`Analyzer.runs_beside`) while the pipeline
    goes on; a step that needs one of its products, or reads it when there, waits for it first."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._analyzer: Analyzer | None = None
        self._error: BaseException | None = None

    def start(self, analyzer: Analyzer, docs: list[Document]) -> None:
        self.wait()
        deadline = budget.current()

        def work() -> None:
            try:
                # (the BLAS thread limit is process-wide: the pipeline's thread has set it)
                with budget.inherited(deadline):
                    analyzer.process(docs)
            except BaseException as exc:  # re-raised in the pipeline's thread by `wait`
                self._error = exc

        self._analyzer = analyzer
        self._thread = threading.Thread(target=work, name=f"narrascope-{analyzer.name}")
        self._thread.start()

    def wait_if_needed(self, analyzer: Analyzer) -> None:
        running = self._analyzer
        if running is not None and set(running.produces) & {*analyzer.requires, *analyzer.optional}:
            self.wait()

    def wait(self, quietly: bool = False) -> None:
        """Join the running step; its exception, if it raised one, is raised here (unless
        `quietly`: another exception is already on its way)."""
        if self._thread is not None:
            self._thread.join()
        error, self._thread, self._analyzer, self._error = self._error, None, None, None
        if error is not None and not quietly:
            raise error


def isolate(
    batch: list[Document], process: Callable[[list[Document]], None]
) -> Iterator[Document | Failure]:
    """Process a batch; if it fails, retry its documents one by one to isolate the culprit."""
    try:
        process(batch)
    except budget.OverBudget:
        for doc in batch:
            doc.cache.clear()
        raise  # the whole run is over its budget: retrying one by one would only take longer
    except Exception as exc:
        if len(batch) > 1:
            for doc in batch:
                yield from isolate([doc], process)
            return
        yield Failure.of(batch[0], exc)
        return
    yield from batch


def check_contracts(classes: list[type[Analyzer]]) -> None:
    """Refuse a pipeline in which an analyzer needs an input no earlier analyzer produces."""
    if not classes:
        raise PipelineError("the pipeline has no analyzers")
    available: set[Requirement] = set()
    for i, cls_ in enumerate(classes):
        declared = [*cls_.requires, *cls_.optional, *cls_.produces]
        loose = [d for d in declared if not isinstance(d, DocField | CacheKey)]
        if loose:
            raise PipelineError(
                f"analyzer {cls_.name!r} declares {loose!r}: declare the document fields and "
                "cache keys of narrascope.analyzers.contracts instead"
            )
        for need in cls_.requires:
            if need not in available:
                raise PipelineError(_missing(cls_, need, classes[i + 1 :], "requires"))
        for want in cls_.optional:
            later = [c.name for c in classes[i + 1 :] if want in c.produces]
            if later:
                raise PipelineError(
                    f"analyzer {cls_.name!r} reads {want} when it is there, but {later[0]!r}, "
                    f"which produces it, runs after it: put {later[0]!r} before {cls_.name!r}"
                )
        available.update(cls_.produces)


def _missing(
    cls_: type[Analyzer], need: Requirement, later: list[type[Analyzer]], verb: str
) -> str:
    after = [c.name for c in later if need in c.produces]
    if after:
        return (
            f"analyzer {cls_.name!r} {verb} {need}, produced by {after[0]!r}, which runs "
            f"after it: put {after[0]!r} before {cls_.name!r}"
        )
    producers = producers_of(need)
    hint = (
        f"add {' or '.join(map(repr, producers))} before it"
        if producers
        else "no analyzer produces it"
    )
    return f"analyzer {cls_.name!r} {verb} {need}, which no earlier analyzer produces: {hint}"


def producers_of(need: Requirement, names: Iterable[str] | None = None) -> list[str]:
    """The analyzers (among `names`; default: all registered) that produce `need`."""
    return [n for n in (names or registry.available()) if need in registry.get(n).produces]


def upstream_steps(analyzers: list[Analyzer]) -> dict[str, list[str]]:
    """Per analyzer, the earlier ones that produce one of its required inputs: when one of
    them is skipped for a document, so is the analyzer (optional inputs do not count)."""
    upstream: dict[str, list[str]] = {}
    for i, analyzer in enumerate(analyzers):
        upstream[analyzer.name] = [
            earlier.name
            for earlier in analyzers[:i]
            if any(need in earlier.produces for need in analyzer.requires)
        ]
    return upstream


def omitted_steps(profile: str, classes: list[type[Analyzer]]) -> list[str]:
    """The steps of the accurate profile that a pipeline of another profile does not serve
    (none for the accurate profile itself: a custom accurate config omits what it chooses)."""
    if profile == "accurate":
        return []
    served = {c.name for c in classes} | {c.stands_for for c in classes if c.stands_for}
    return [name for name in Config.load().analyzers if name not in served]


def _mark_unavailable(analyzer: Analyzer, doc: Document, upstream: list[str]) -> bool:
    """Record on `doc` why `analyzer` cannot run on it; True when it must be skipped."""
    reason = analyzer.unavailable_reason(doc, upstream)
    if reason is None:
        return False
    doc.unavailable[analyzer.name] = reason
    return True


def with_requirements(wanted: list[str], order: list[str]) -> list[str]:
    """`wanted` plus, recursively, the analyzers of `order` that produce what they require."""
    needed: set[str] = set()
    stack = list(wanted)
    while stack:
        name = stack.pop()
        if name in needed:
            continue
        needed.add(name)
        for need in registry.get(name).requires:
            producers = producers_of(need, order) or producers_of(need)
            if producers and not needed.intersection(producers):
                stack.append(producers[0])
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
