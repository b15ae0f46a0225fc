"""One flat row per result, the form results take between workers, the driver and Parquet.

A row carries the unit it came from, the article's id, content hash, partition keys (date,
source) and either the result document as JSON (`status` "analysed"), the reason it failed
(`status` "failed"), or nothing when its content was already analysed (`status` "stored") or
the unit held no article at all (`status` "empty", never written out).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from narrascope.document import Document, Failure

if TYPE_CHECKING:
    from narrascope.store import Store

ANALYSED, FAILED, STORED, EMPTY = "analysed", "failed", "stored", "empty"
UNKNOWN = "unknown"
PARTITION_COLS = ["date", "source"]

SCHEMA = pa.schema(
    [
        ("unit", pa.int64()),
        ("id", pa.string()),
        ("input", pa.string()),
        ("content_hash", pa.string()),
        ("date", pa.string()),
        ("source", pa.string()),
        ("status", pa.string()),
        ("result", pa.string()),
        ("error", pa.string()),
    ]
)


def partition_date(value: date | datetime | None) -> str:
    """The publication day (YYYY-MM-DD), or "unknown"."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return UNKNOWN


def partition_source(source: str | None) -> str:
    """A source name safe as one folder name: lower-case letters, digits, '.', '-' and '_'."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", (source or "").strip().lower()).strip("-.")
    return slug[:80] or UNKNOWN


def document_row(unit: int, doc: Document) -> dict[str, Any]:
    return {
        "unit": unit,
        "id": doc.id,
        "input": str(doc.meta.get("input", doc.id)),
        "content_hash": doc.content_hash,
        "date": partition_date(doc.published),
        "source": partition_source(doc.source),
        "status": ANALYSED,
        "result": doc.to_json(),
        "error": None,
    }


def failure_row(unit: int, failure: Failure) -> dict[str, Any]:
    return {
        "unit": unit,
        "id": None,
        "input": failure.input,
        "content_hash": None,
        "date": UNKNOWN,
        "source": UNKNOWN,
        "status": FAILED,
        "result": None,
        "error": failure.reason,
    }


def stored_row(unit: int, doc: Document) -> dict[str, Any]:
    """An article whose content hash was already analysed: counted, not analysed again."""
    return {
        "unit": unit,
        "id": doc.id,
        "input": str(doc.meta.get("input", doc.id)),
        "content_hash": doc.content_hash,
        "date": partition_date(doc.published),
        "source": partition_source(doc.source),
        "status": STORED,
        "result": None,
        "error": None,
    }


def empty_row(unit: int) -> dict[str, Any]:
    """A unit that held no article (e.g. an empty records file): tells the driver it was read."""
    return {
        "unit": unit,
        "id": None,
        "input": None,
        "content_hash": None,
        "date": UNKNOWN,
        "source": UNKNOWN,
        "status": EMPTY,
        "result": None,
        "error": None,
    }


def to_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def iter_rows(table: pa.Table) -> Iterator[dict[str, Any]]:
    yield from table.to_pylist()


def row_result(row: dict[str, Any]) -> Document | Failure | None:
    """The row as the run loop's result: a Document, a Failure, or None for a stored row."""
    if row["status"] == ANALYSED:
        return Document.model_validate_json(row["result"])
    if row["status"] == FAILED:
        return Failure(input=row["input"], reason=row["error"] or "failed")
    return None


# --- Parquet output -------------------------------------------------------------------------


def write_parquet(table: pa.Table, root: Path) -> None:
    """Append rows to a dataset partitioned as root/date=.../source=.../part-<uuid>.parquet."""
    import pyarrow.parquet as pq

    if table.num_rows:
        pq.write_to_dataset(
            table,
            root_path=str(root),
            partition_cols=PARTITION_COLS,
            basename_template=f"part-{uuid.uuid4().hex}-{{i}}.parquet",
        )


def parquet_hashes(root: Path) -> set[str]:
    """Content hashes of the articles already analysed into a Parquet output (for incremental runs)."""
    return set(_column(root, "content_hash", ANALYSED))


def _column(root: Path, column: str, status: str) -> Iterable[str]:
    import pyarrow.dataset as ds

    if not root.is_dir() or not any(root.rglob("*.parquet")):
        return []
    dataset = ds.dataset(str(root), format="parquet", partitioning="hive")
    table = dataset.to_table(columns=[column], filter=ds.field("status") == status)
    return [value for value in table.column(column).to_pylist() if value]


def read_parquet_results(root: Path, batch_rows: int = 256) -> Iterator[Document | Failure]:
    """The results in a Parquet output, streamed in small batches (e.g. to load them into a store)."""
    import pyarrow.dataset as ds

    dataset = ds.dataset(str(root), format="parquet", partitioning="hive")
    columns = ["unit", "input", "status", "result", "error"]
    for batch in dataset.to_batches(columns=columns, batch_size=batch_rows):
        for row in batch.to_pylist():
            result = row_result(row)
            if result is not None:
                yield result


def load_into_store(root: Path, store: Store, batch: int = 256) -> int:
    """Load a Parquet output into a DuckDB store after the run, batch by batch; returns the articles loaded.

    Articles whose content is already in the store are skipped, so loading twice adds nothing.
    """
    known = store.hashes()
    docs: list[Document] = []
    failures: list[Failure] = []
    loaded = 0
    for result in read_parquet_results(root, batch_rows=batch):
        if isinstance(result, Failure):
            failures.append(result)
        elif result.content_hash not in known:
            known.add(result.content_hash)
            docs.append(result)
        if len(docs) + len(failures) >= batch:
            store.write(docs, failures)
            loaded += len(docs)
            docs, failures = [], []
    store.write(docs, failures)
    return loaded + len(docs)
