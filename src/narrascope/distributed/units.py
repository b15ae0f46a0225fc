"""Work units: the inputs of a run cut into pieces that any worker can read on its own.

The driver only lists: a folder becomes one unit per matching file, a Parquet file one unit per
row group; the workers read the texts. Inputs that only the driver can reach (URLs, feeds,
standard input) are read on the driver and travel as documents. Reading a unit goes through the
same ingestion functions as a single-process run, so ids, titles and failures are identical.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from narrascope.document import Document, Failure
from narrascope.ingest.files import walk
from narrascope.ingest.options import IngestOptions
from narrascope.ingest.records import record_document
from narrascope.ingest.sources import _guarded, file_documents, iter_documents
from narrascope.ingest.web import is_url

Unit = dict[str, Any]
Item = Document | Failure

PARQUET_SUFFIXES = (".parquet", ".pq")


def plan_units(inputs: list[str], options: IngestOptions) -> Iterator[Unit]:
    """The units of `inputs`, in the order a single-process run reads them."""
    for item in inputs:
        path = Path(item)
        if item == "-" or is_url(item) or not path.exists():
            yield from _driver_units(item, options)
        elif path.is_dir():
            found = False
            for file, relative in walk(path, options.glob):
                found = True
                yield _file_unit(file, relative, str(file))
            if not found:
                yield from _driver_units(item, options)  # the ingester's own "no articles" failure
        elif path.is_file() and path.suffix.lower() in PARQUET_SUFFIXES:
            yield from _parquet_units(path)
        elif path.is_file():
            yield _file_unit(path, path.name, item)
        else:
            yield from _driver_units(item, options)


def _file_unit(path: Path, name: str, input: str) -> Unit:
    return {
        "kind": "file",
        "path": str(path),
        "name": name,
        "input": input,
        "row_group": -1,
        "payload": "",
    }


def _driver_units(item: str, options: IngestOptions) -> Iterator[Unit]:
    for result in iter_documents([item], options):
        if isinstance(result, Document):
            payload = result.model_dump_json()
            yield {
                "kind": "document",
                "path": "",
                "name": result.id,
                "input": item,
                "row_group": -1,
                "payload": payload,
            }
        else:
            yield {
                "kind": "failure",
                "path": "",
                "name": "",
                "input": result.input,
                "row_group": -1,
                "payload": result.reason,
            }


def _parquet_units(path: Path) -> Iterator[Unit]:
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(path).metadata
    for group in range(metadata.num_row_groups):
        if metadata.row_group(group).num_rows == 0:
            continue
        yield {
            "kind": "parquet",
            "path": str(path),
            "name": path.name,
            "input": str(path),
            "row_group": group,
            "payload": "",
        }


def read_unit(unit: Unit, options: IngestOptions) -> Iterator[Item]:
    """The documents (or failures) of one unit, as `iter_documents` would give them."""
    kind = unit["kind"]
    if kind == "file":
        path = Path(unit["path"])
        yield from _guarded(
            unit["input"], file_documents(path, unit["name"], unit["input"], options)
        )
    elif kind == "document":
        yield Document.model_validate_json(unit["payload"])
    elif kind == "failure":
        yield Failure(input=unit["input"], reason=unit["payload"])
    elif kind == "parquet":
        yield from _guarded(unit["input"], _parquet_documents(unit, options))
    else:
        yield Failure(input=unit["input"], reason=f"unknown work unit kind {kind!r}")


def _parquet_documents(unit: Unit, options: IngestOptions) -> Iterator[Item]:
    """One row group of a Parquet file of records (the same fields as JSONL/CSV records)."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(unit["path"])
    offset = sum(parquet.metadata.row_group(g).num_rows for g in range(unit["row_group"]))
    for number, record in enumerate(
        parquet.read_row_group(unit["row_group"]).to_pylist(), start=offset + 1
    ):
        yield record_document(record, unit["name"], number, options, [])
