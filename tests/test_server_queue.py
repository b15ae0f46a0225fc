"""The analysis queue: concurrent requests share batches, overload answers Busy, failures stay per document."""

from __future__ import annotations

import asyncio
import threading

import pytest

from narrascope.document import Document, Failure
from narrascope.pipeline import document_from_text
from narrascope.server.analysis import AnalysisQueue, Busy


class FakePipeline:
    """Records batch sizes; blocks until released so that requests pile up; fails on 'poison'."""

    def __init__(self) -> None:
        self.batches: list[int] = []
        self.release = threading.Event()

    def run(self, docs: list[Document], batch_size: int | None = None):  # noqa: ANN201
        self.release.wait(10)
        self.batches.append(len(docs))
        for doc in docs:
            yield Failure(input=doc.id, reason="poisoned") if "poison" in doc.text else doc


def _docs(n: int, prefix: str = "t") -> list[Document]:
    return [document_from_text(f"{prefix} {i}\n\nbody {i}", id=f"{prefix}{i}") for i in range(n)]


def test_concurrent_requests_are_batched_in_order() -> None:
    fake = FakePipeline()
    queue = AnalysisQueue(lambda: fake, batch_size=8, max_pending=100)  # type: ignore[arg-type,return-value]

    async def scenario() -> list[list[Document | Failure]]:
        await queue.start()
        first = asyncio.ensure_future(queue.analyze(_docs(1, "first")))
        await asyncio.sleep(0.1)  # the worker now holds 'first' and waits for the release
        rest = [asyncio.ensure_future(queue.analyze(_docs(2, f"r{k}-"))) for k in range(4)]
        await asyncio.sleep(0.1)
        fake.release.set()
        results = await asyncio.gather(first, *rest)
        await queue.stop()
        return results

    results = asyncio.run(scenario())
    assert fake.batches == [1, 8]  # the four waiting requests went through as one batch
    assert [[d.id for d in r] for r in results[1:]] == [[f"r{k}-0", f"r{k}-1"] for k in range(4)]
    assert queue.pending == 0


def test_overload_is_refused_and_failures_stay_per_document() -> None:
    fake = FakePipeline()
    queue = AnalysisQueue(lambda: fake, batch_size=4, max_pending=3)  # type: ignore[arg-type,return-value]

    async def scenario() -> list[Document | Failure]:
        await queue.start()
        waiting = asyncio.ensure_future(
            queue.analyze(_docs(2) + [document_from_text("poison\n\nx", id="p")])
        )
        await asyncio.sleep(0.05)
        with pytest.raises(Busy):
            await queue.analyze(_docs(1, "extra"))
        fake.release.set()
        result = await waiting
        await queue.stop()
        return result

    result = asyncio.run(scenario())
    assert [type(r).__name__ for r in result] == ["Document", "Document", "Failure"]
    assert result[2].reason == "poisoned"
