"""The run loop shared by the CLI, the web app and any distributed runner.

Documents (or ingestion `Failure`s) stream in; duplicates (same content hash, in this run or
already in the store) are skipped before any analysis; the rest go through the pipeline in
batches, in this process or in N worker processes that each build the pipeline once. Results
are written by this process only (one writer for DuckDB): per batch, the store commits first,
then the JSONL lines are written and flushed, then progress is reported, so anything reported
as done is already durable.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from narrascope import registry
from narrascope.atomic import AtomicFile
from narrascope.config import Config
from narrascope.document import Document, Failure
from narrascope.pipeline import Pipeline

if TYPE_CHECKING:
    from narrascope.ingest.options import IngestOptions
    from narrascope.store import Store

Result = Document | Failure


class RunError(Exception):
    """The run cannot go on (its worker processes cannot be used); what was written stays written."""


@dataclass
class RunStats:
    """What a run did; `rate` counts analysed articles per second of the run."""

    analysed: int = 0
    duplicates: int = 0
    already_stored: int = 0
    failed: int = 0
    started: float = field(default_factory=time.perf_counter)
    finished: float | None = None

    @property
    def seen(self) -> int:
        return self.analysed + self.duplicates + self.already_stored + self.failed

    @property
    def elapsed(self) -> float:
        return (self.finished or time.perf_counter()) - self.started

    @property
    def rate(self) -> float:
        return self.analysed / self.elapsed if self.elapsed > 0 else 0.0

    def summary(self) -> str:
        return (
            f"analysed {self.analysed}, skipped as duplicate {self.duplicates}, already stored "
            f"{self.already_stored}, failed {self.failed}; {self.elapsed:.1f} s, {self.rate:.2f} articles/s"
        )


def print_failure(failure: Failure) -> None:
    """The one-line error every bad input gets."""
    reason = " ".join(failure.reason.split())
    print(f"error: {failure.input}: {reason}", file=sys.stderr, flush=True)


@dataclass
class Sinks:
    """Where results go: any of a store, a JSONL file or stream, an HTML report."""

    store: Store | None = None
    jsonl: Path | IO[str] | None = None
    html: Path | None = None
    html_title: str | None = None
    update: bool = (
        False  # a changed article replaces the stored one of the same id (else: a new version)
    )


@dataclass
class Callbacks:
    """Hooks for a user interface; all optional."""

    progress: Callable[[RunStats], None] | None = None
    document: Callable[[Document], None] | None = None
    failure: Callable[[Failure], None] = print_failure


def run_inputs(
    inputs: list[str],
    pipeline: Pipeline,
    options: IngestOptions | None = None,
    sinks: Sinks | None = None,
    callbacks: Callbacks | None = None,
    jobs: int = 1,
) -> RunStats:
    """Ingest `inputs` (files, folders, JSONL/CSV, URLs, feeds, '-') and run them."""
    from narrascope.ingest import iter_documents
    from narrascope.ingest.options import IngestOptions

    source = iter_documents(inputs, options or IngestOptions(max_chars=pipeline.config.max_chars))
    return run(source, pipeline, sinks, callbacks, jobs)


def run(
    source: Iterable[Result],
    pipeline: Pipeline,
    sinks: Sinks | None = None,
    callbacks: Callbacks | None = None,
    jobs: int = 1,
    batch_size: int | None = None,
) -> RunStats:
    """Analyse a stream of documents into the sinks; returns what happened.

    With `jobs > 1`, worker processes rebuild the pipeline from `pipeline.config` (restricted to
    `pipeline.names`), so analyzers must come from the registry's built-in names.
    """
    sinks = sinks or Sinks()
    callbacks = callbacks or Callbacks()
    stats = RunStats()
    size = batch_size or pipeline.config.batch_size
    with Writer(sinks, callbacks, stats) as writer, _frozen_before_run():
        stored = sinks.store.hashes() if sinks.store is not None else set()
        fresh = _skip_known(source, stats, stored, writer)
        if jobs > 1:
            _run_parallel(_batches(fresh, size), pipeline, jobs, writer)
        else:
            for batch in _batches(fresh, size):
                writer.write(list(pipeline.run(batch, batch_size=len(batch))))
        stats.finished = time.perf_counter()
        writer.finish_report()
    return stats


@contextmanager
def _frozen_before_run() -> Iterator[None]:
    """Keep the objects that exist before the run (above all the models' vocabularies and
    weights) out of the garbage collector's full passes while it lasts: each pass walked them
    all again, about 0.1 CPU-second, three times per 400 articles of the fast profile. Left as
    it is when something else has frozen objects already."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# --- the stream -------------------------------------------------------------------------------


def _skip_known(
    source: Iterable[Result], stats: RunStats, stored: set[str], writer: Writer
) -> Iterator[Document]:
    """Documents not seen before; ingestion failures go straight to the writer.

    Two different articles with the same id in one run (same file name in two folders) must not
    overwrite each other in the store, so the later one gets its content hash appended to its id.
    """
    seen: set[str] = set()
    ids: set[str] = set()
    for item in source:
        if isinstance(item, Failure):
            writer.write([item])
        elif item.content_hash in stored:
            stats.already_stored += 1
            writer.report()
        elif item.content_hash in seen:
            stats.duplicates += 1
            writer.report()
        else:
            seen.add(item.content_hash)
            if item.id in ids:
                original = item.id
                item.id = f"{original}#{item.content_hash[:12]}"
                item.warnings.append(
                    f"id {original!r} already used in this run by another article; renamed {item.id!r}"
                )
            ids.add(item.id)
            yield item


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- worker processes ---------------------------------------------------------------------------

_worker_pipeline: Pipeline | None = None


def _init_worker(config: Config, parent: int | None = None) -> None:
    """Build the pipeline once per worker; Ctrl-C is the parent's to handle.

    A worker must not outlive its parent (killed, or stopped by SIGTERM before it could shut
    the pool down): on Linux the kernel sends it SIGKILL when the parent dies, and everywhere a
    watchdog thread exits it once its parent process is gone."""
    global _worker_pipeline
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        _die_with_parent(parent)
    _worker_pipeline = Pipeline.from_config(config)
    gc.freeze()  # the worker's models live as long as it does (see `_frozen_before_run`)


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="narrascope-parent-watch", daemon=True).start()


def _work(batch: list[Document]) -> list[Result]:
    assert _worker_pipeline is not None
    return list(_worker_pipeline.run(batch, batch_size=len(batch)))


def _run_parallel(
    batches: Iterator[list[Document]], pipeline: Pipeline, jobs: int, writer: Writer
) -> None:
    """Fan batches out to `jobs` processes, at most two batches per worker in flight."""
    local = [name for name in pipeline.names if name not in registry.BUILTIN]
    if local:
        raise RunError(
            f"analyzers {local} are registered in this process only; worker processes (jobs > 1) cannot build them"
        )
    config = pipeline.config.model_copy(update={"analyzers": pipeline.names})
    context = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init_worker, initargs=(config, os.getpid())
    )
    pending: dict[Future[list[Result]], list[Document]] = {}
    broken = False
    try:
        for batch in batches:
            try:
                pending[executor.submit(_work, batch)] = batch
            except BrokenProcessPool:
                broken = True
                break  # reported below, once the batches in flight are written as failures
            while len(pending) >= 2 * jobs:
                broken |= _collect(pending, writer, wait(pending, return_when=FIRST_COMPLETED).done)
        while pending:
            broken |= _collect(pending, writer, wait(pending, return_when=FIRST_COMPLETED).done)
        if broken:
            raise RunError(
                "a worker process died (out of memory, or the models failed to load); "
                "the articles after it were not analysed"
            )
        executor.shutdown()
    except BaseException:
        # interrupted: drop queued batches and stop the workers now rather than after their batch
        executor.shutdown(wait=False, cancel_futures=True)
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.terminate()
        raise


def _collect(
    pending: dict[Future[list[Result]], list[Document]],
    writer: Writer,
    done: set[Future[list[Result]]],
) -> bool:
    """Write the finished batches; a batch whose worker failed becomes failures. True if the pool broke."""
    broken = False
    for future in done:
        batch = pending.pop(future)
        try:
            results = future.result()
        except Exception as exc:
            broken |= isinstance(exc, BrokenProcessPool)
            reason = f"worker failed: {type(exc).__name__}: {exc}"
            results = [Failure.of(d, reason) for d in batch]
        writer.write(results)
    return broken


# --- the single writer --------------------------------------------------------------------------


class Writer:
    """The single writer of a run: per batch, store commit, then JSONL lines, then the report spool and callbacks.

    Public so that other run loops (a distributed runner) write exactly as this one does.
    """

    def __init__(self, sinks: Sinks, callbacks: Callbacks, stats: RunStats) -> None:
        self.sinks = sinks
        self.callbacks = callbacks
        self.stats = stats
        self._jsonl_file: AtomicFile | None = None  # a JSONL path, written under a temporary name
        self._jsonl: IO[str] | None = None
        self._spool: IO[str] | None = None

    def __enter__(self) -> Writer:
        if isinstance(self.sinks.jsonl, Path):
            self._jsonl_file = AtomicFile(self.sinks.jsonl)
            self._jsonl = self._jsonl_file.open()
        else:
            self._jsonl = self.sinks.jsonl
        if self.sinks.html is not None:
            self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        """A JSONL file replaces the old one only when the run wrote at least one article (an
        interrupted run keeps what it analysed); otherwise the old file stays as it was."""
        if self._jsonl_file is not None and self._jsonl is not None:
            self._jsonl.close()
            if self.stats.analysed:
                self._jsonl_file.commit()
            else:
                self._jsonl_file.discard()
        if self._spool is not None:
            self._spool.close()

    def write(self, results: list[Result]) -> None:
        docs, lines, failures = [], [], [r for r in results if isinstance(r, Failure)]
        if self.sinks.store is not None:  # final ids before the JSONL lines are written
            self.sinks.store.claim_ids(
                [r for r in results if isinstance(r, Document)], self.sinks.update
            )
        for doc in (r for r in results if isinstance(r, Document)):
            try:
                lines.append(doc.to_json() + "\n")
                docs.append(doc)
            except Exception as exc:  # e.g. a meta value JSON cannot hold: fail this article only
                failures.append(
                    Failure.of(doc, f"cannot serialise the result: {type(exc).__name__}: {exc}")
                )
        if self.sinks.store is not None and (docs or failures):
            docs, lines = self._store(docs, lines, failures)
        for line in lines:
            if self._jsonl is not None:
                self._jsonl.write(line)
            if self._spool is not None:
                self._spool.write(line)
        if self._jsonl is not None:
            self._jsonl.flush()
        self.stats.analysed += len(docs)
        self.stats.failed += len(failures)
        for failure in failures:
            self.callbacks.failure(failure)
        if self.callbacks.document is not None:
            for doc in docs:
                self.callbacks.document(doc)
        self.report()

    def _store(
        self, docs: list[Document], lines: list[str], failures: list[Failure]
    ) -> tuple[list[Document], list[str]]:
        """Commit the batch; if it is refused, store its articles one by one and fail only those refused.

        When every article is refused on its own too, the fault is the store's (disk full, file
        removed), not the data's, and the run stops with that error.
        """
        store = self.sinks.store
        assert store is not None
        try:
            store.write(docs, failures, update=self.sinks.update)
            return docs, lines
        except Exception as batch_error:
            kept: list[tuple[Document, str]] = []
            refused: list[Failure] = []
            for doc, line in zip(docs, lines):
                try:
                    store.write([doc], update=self.sinks.update)
                    kept.append((doc, line))
                except Exception as exc:
                    refused.append(
                        Failure.of(doc, f"cannot store the result: {type(exc).__name__}: {exc}")
                    )
            if docs and not kept:
                raise batch_error
            store.write([], [*failures, *refused])
            failures.extend(refused)
            return [d for d, _ in kept], [line for _, line in kept]

    def report(self) -> None:
        if self.callbacks.progress is not None:
            self.callbacks.progress(self.stats)

    def finish_report(self) -> None:
        """Write the HTML report from the spooled results (kept on disk, not in memory); a run
        that analysed nothing leaves an existing report untouched."""
        if self._spool is None or self.sinks.html is None or not self.stats.analysed:
            return
        from narrascope.report.html import write_report

        self._spool.flush()
        self._spool.seek(0)
        spool = self._spool
        docs = (Document.model_validate_json(line) for line in spool)
        write_report(docs, self.sinks.html, title=self.sinks.html_title)


_Writer = Writer  # the earlier private name, still imported by the distributed runner
