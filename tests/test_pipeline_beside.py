"""A step that runs beside the others (`Analyzer.runs_beside`): overlap, waiting, errors, budget."""

from __future__ import annotations

import threading
import time

import pytest

from narrascope import Pipeline, budget
from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.analyzers.segmentation import Segmentation
from narrascope.config import Config
from narrascope.document import Document, EntityMention, Failure
from narrascope.pipeline import isolate

CONFIG = Config(analyzers=["segmentation"])


def docs(n: int = 2) -> list[Document]:
    return [Document(id=f"d{i}", text=f"Kyiv said it.\nMoscow denied it {i}.") for i in range(n)]


class SlowEntities(Analyzer):
    """Stands in for the spaCy step: waits until the next step has started, then writes."""

    name = "slow-entities"
    requires = (contracts.SENTENCES,)
    produces = (contracts.ENTITIES,)
    runs_beside = True

    def __init__(self, started: threading.Event, fail: bool = False) -> None:
        self.started, self.fail, self.thread = started, fail, ""

    def process(self, docs: list[Document]) -> None:
        self.thread = threading.current_thread().name
        assert self.started.wait(5), "the next step never started while this one ran"
        if self.fail:
            raise RuntimeError("parser crashed")
        for doc in docs:
            doc.entities = [EntityMention(start=0, end=4, text="Kyiv", label="GPE", entity="Kyiv")]


class Independent(Analyzer):
    """Needs only sentences, like the backbone pass: may run while the step beside runs."""

    name = "independent"
    requires = (contracts.SENTENCES,)

    def __init__(self, started: threading.Event) -> None:
        self.started = started

    def process(self, docs: list[Document]) -> None:
        self.started.set()


class NeedsEntities(Analyzer):
    name = "needs-entities"
    requires = (contracts.ENTITIES,)

    def __init__(self) -> None:
        self.seen: list[int] = []

    def process(self, docs: list[Document]) -> None:
        self.seen = [len(d.entities) for d in docs]


def test_the_step_beside_overlaps_the_next_and_a_dependent_step_waits_for_it() -> None:
    started = threading.Event()
    beside, dependent = SlowEntities(started), NeedsEntities()
    pipeline = Pipeline([Segmentation(), beside, Independent(started), dependent], CONFIG)
    batch = docs()
    pipeline.process_batch(batch)
    assert beside.thread != threading.current_thread().name  # it ran in its own thread
    assert dependent.seen == [1, 1]  # and had finished before the step that needs its product
    assert all(d.analyzers[-1] == "needs-entities" for d in batch)


def test_the_batch_ends_only_when_the_step_beside_has_ended() -> None:
    started = threading.Event()
    batch = docs()
    Pipeline([Segmentation(), SlowEntities(started), Independent(started)], CONFIG).process_batch(
        batch
    )
    assert [len(d.entities) for d in batch] == [1, 1]


def test_an_error_beside_fails_the_batch_and_isolation_reports_each_document() -> None:
    started = threading.Event()
    pipeline = Pipeline(
        [Segmentation(), SlowEntities(started, fail=True), Independent(started)], CONFIG
    )
    results = list(isolate(docs(), pipeline.process_batch))
    assert [type(r) for r in results] == [Failure, Failure]
    assert all("RuntimeError: parser crashed" in r.reason for r in results)  # type: ignore[union-attr]


def test_the_step_beside_keeps_the_analysis_time_budget() -> None:
    class Slow(Analyzer):
        name = "slow"
        requires = (contracts.SENTENCES,)
        produces = (contracts.ENTITIES,)
        runs_beside = True

        def process(self, docs: list[Document]) -> None:
            time.sleep(0.2)
            budget.check()  # in its own thread, under the caller's deadline

    pipeline = Pipeline([Segmentation(), Slow()], CONFIG)
    with budget.time_budget(0.05), pytest.raises(budget.OverBudget):
        pipeline.process_batch(docs(1))


def test_a_built_pipeline_has_its_background_loads_done() -> None:
    """The language model loads in a thread while the others load; building waits for it."""
    pipeline = Pipeline.from_config(Config.load(), only=["language"])
    language = next(a for a in pipeline.analyzers if a.name == "language")
    loading = language._identifier  # type: ignore[attr-defined]
    assert loading._future is None and loading._value is not None
