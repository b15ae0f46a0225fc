"""One pipeline per server process, fed by a bounded queue.

The pipeline is CPU-bound and blocking, so it runs in a worker thread, one batch at a time:
concurrent requests queue and are analysed together (the backbone encodes a batch faster than
its documents one by one). When more than `max_pending` documents wait, new requests get 503
instead of piling up memory.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import anyio

from narrascope.document import Document, Failure
from narrascope.pipeline import Pipeline


class Busy(Exception):
    """Too many documents are already waiting."""


class AnalysisQueue:
    def __init__(self, pipeline_factory: Callable[[], Pipeline], batch_size: int = 16, max_pending: int = 256) -> None:
        self._factory = pipeline_factory
        self.batch_size = batch_size
        self.max_pending = max_pending
        self.pipeline: Pipeline | None = None
        self._queue: asyncio.Queue[tuple[Document, asyncio.Future]] | None = None
        self._worker: asyncio.Task | None = None
        self.pending = 0

    async def start(self) -> None:
        """Load the models (once, in a thread so the event loop stays free) and start the worker."""
        if self.pipeline is None:
            self.pipeline = await anyio.to_thread.run_sync(self._factory)
        self._queue = asyncio.Queue()
        self._worker = asyncio.create_task(self._work(), name="narrascope-analysis")

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None

    async def analyze(self, docs: list[Document]) -> list[Document | Failure]:
        """Queue documents and wait for their results, in order (a Failure for each one that failed)."""
        if self._queue is None:
            raise RuntimeError("analysis queue not started")
        if self.pending + len(docs) > self.max_pending:
            raise Busy(f"{self.pending} documents are waiting for analysis; try again shortly")
        loop = asyncio.get_running_loop()
        futures = []
        for doc in docs:
            future = loop.create_future()
            futures.append(future)
            self.pending += 1
            self._queue.put_nowait((doc, future))
        return list(await asyncio.gather(*futures))

    async def _work(self) -> None:
        assert self._queue is not None
        while True:
            items = [await self._queue.get()]
            while len(items) < self.batch_size and not self._queue.empty():
                items.append(self._queue.get_nowait())
            live = [(doc, fut) for doc, fut in items if not fut.cancelled()]
            try:
                results = await anyio.to_thread.run_sync(self._run, [doc for doc, _ in live]) if live else []
            except Exception as exc:  # the pipeline itself broke: fail these requests, keep serving
                results = [Failure(input=doc.id, reason=f"analysis failed: {type(exc).__name__}: {exc}") for doc, _ in live]
            finally:
                self.pending -= len(items)
            for (_, future), result in zip(live, results):
                if not future.done():
                    future.set_result(result)

    def _run(self, docs: list[Document]) -> list[Document | Failure]:
        assert self.pipeline is not None
        return list(self.pipeline.run(docs, batch_size=len(docs)))
