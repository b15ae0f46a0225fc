"""The pipeline actor: one per Ray worker, it loads the models once and analyses batches of units.

Every unit becomes rows in input order: documents whose content hash was already analysed are
marked "stored" and not analysed again, a document the pipeline cannot analyse (a poison
document) becomes a "failed" row with its reason, and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa

from narrascope.config import Config
from narrascope.distributed.rows import document_row, empty_row, failure_row, stored_row, to_table
from narrascope.distributed.units import read_unit
from narrascope.document import Document, Failure
from narrascope.ingest.options import IngestOptions
from narrascope.pipeline import Pipeline


class PipelineActor:
    """A callable class for `Dataset.map_batches`: `__init__` runs once per worker."""

    def __init__(
        self,
        config: Config,
        options: IngestOptions,
        only: list[str] | None = None,
        known: Any = None,
        setup: Callable[[], None] | None = None,
    ) -> None:
        if setup is not None:  # e.g. registering custom analyzers in this worker process
            setup()
        self.options = options
        self.known: set[str] = _resolve(known) or set()
        self.pipeline = Pipeline.from_config(config, only=only)

    def __call__(self, batch: pa.Table) -> pa.Table:
        rows: list[dict[str, Any] | None] = []
        fresh: list[tuple[int, int, Document]] = []  # (slot in rows, unit, document)
        for unit in batch.to_pylist():
            before = len(rows)
            for item in read_unit(unit, self.options):
                if isinstance(item, Failure):
                    rows.append(failure_row(unit["unit"], item))
                elif item.content_hash in self.known:
                    rows.append(stored_row(unit["unit"], item))
                else:
                    fresh.append((len(rows), unit["unit"], item))
                    rows.append(None)
            if len(rows) == before:
                rows.append(empty_row(unit["unit"]))
        results = self.pipeline.run(
            [doc for _, _, doc in fresh], batch_size=self.pipeline.config.batch_size
        )
        for (slot, unit_number, _), result in zip(fresh, results):
            if isinstance(result, Document):
                rows[slot] = document_row(unit_number, result)
            else:
                rows[slot] = failure_row(unit_number, result)
        return to_table([row for row in rows if row is not None])


def _resolve(known: Any) -> set[str] | None:
    """The known hashes, fetched from the object store when they were passed by reference."""
    if isinstance(known, list) and len(known) == 1:  # wrapped so Ray does not resolve it early
        known = known[0]
    if known is None or isinstance(known, set):
        return known
    import ray

    return ray.get(known)
