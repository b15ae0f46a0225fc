"""One pipeline per server process, fed by a bounded queue and a single worker thread.

The pipeline is CPU-bound and blocking, so it runs in its own thread, one batch at a time:
concurrent requests queue and are analysed together (the backbone encodes a batch faster than
its documents one by one). When more than `max_pending` documents wait, new requests get 503
instead of piling up memory. Requests wait on `concurrent.futures` futures, so the queue works
from any event loop (uvicorn's, or a test client's).

Each analysis runs under a time budget (`time_budget` seconds, the server's `analysis_timeout`):
past it, the analysis stops at the pipeline's next check and its documents fail with
`OverBudget`'s reason. A long text is analysed alone, so its budget never fails anyone else's.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future

import anyio

from narrascope.budget import OverBudget, time_budget
from narrascope.document import Document, Failure
from narrascope.pipeline import Pipeline

LONG_TEXT_CHARS = 20_000  # a text this long is analysed in a batch of its own

_STOP = object()


class Busy(Exception):
    """Too many documents are already waiting."""


class AnalysisQueue:
    def __init__(
        self,
        pipeline_factory: Callable[[], Pipeline],
        batch_size: int = 16,
        max_pending: int = 256,
        time_budget: float | None = None,
    ) -> None:
        self._factory = pipeline_factory
        self.time_budget = time_budget
        self.batch_size = batch_size
        self.max_pending = max_pending
        self.pipeline: Pipeline | None = None
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self.pending = 0

    def load(self) -> Pipeline:
        """Build the pipeline (models load once per process)."""
        with self._lock:
            if self.pipeline is None:
                self.pipeline = self._factory()
            return self.pipeline

    async def start(self) -> None:
        """Load the models at startup (in a thread, so the event loop stays free) and start the worker."""
        await anyio.to_thread.run_sync(self.load)
        self._ensure_worker()

    async def stop(self) -> None:
        worker = self._worker
        if worker is not None:
            self._queue.put(_STOP)
            await anyio.to_thread.run_sync(worker.join, 30)
            self._worker = None

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._work, name="narrascope-analysis", daemon=True
                )
                self._worker.start()

    async def analyze(self, docs: list[Document]) -> list[Document | Failure]:
        """Queue documents and wait for their results, in order (a Failure for each one that failed)."""
        with self._lock:
            if self.pending + len(docs) > self.max_pending:
                raise Busy(f"{self.pending} documents are waiting for analysis; try again shortly")
            self.pending += len(docs)
        self._ensure_worker()
        futures: list[Future] = []
        for doc in docs:
            future: Future = Future()
            futures.append(future)
            self._queue.put((doc, future))
        return list(await asyncio.gather(*(asyncio.wrap_future(f) for f in futures)))

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            items = [item]
            while len(items) < self.batch_size:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP:
                    self._queue.put(_STOP)
                    break
                items.append(nxt)
            live = [(doc, fut) for doc, fut in items if fut.set_running_or_notify_cancel()]
            try:
                for group in _groups(live):
                    results = self._run_group([doc for doc, _ in group])
                    for (_, future), result in zip(group, results):
                        future.set_result(result)
            finally:
                with self._lock:
                    self.pending -= len(items)

    def _run_group(self, docs: list[Document]) -> list[Document | Failure]:
        try:
            with time_budget(self.time_budget):
                return self._run(docs)
        except OverBudget as exc:
            reason = f"{exc} (the server's analysis_timeout); send a shorter text"
            return [OverBudgetFailure(input=doc.id, reason=reason) for doc in docs]
        except Exception as exc:  # the pipeline itself broke: fail these requests, keep serving
            return [Failure.of(doc, exc) for doc in docs]

    def _run(self, docs: list[Document]) -> list[Document | Failure]:
        return list(self.load().run(docs, batch_size=len(docs)))


class OverBudgetFailure(Failure):
    """A document whose analysis ran past the server's time budget (the API answers 504)."""


def _groups(items: list) -> list[list]:
    """Short texts together, each long text alone."""
    short = [item for item in items if len(item[0].text) < LONG_TEXT_CHARS]
    groups = [[item] for item in items if len(item[0].text) >= LONG_TEXT_CHARS]
    return ([short] if short else []) + groups
