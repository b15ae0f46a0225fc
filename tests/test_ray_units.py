"""Work units and result rows of the Ray runner: plain functions, no Ray needed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from narrascope.distributed.rows import (
    document_row,
    failure_row,
    load_into_store,
    parquet_hashes,
    partition_date,
    partition_source,
    read_parquet_results,
    row_result,
    stored_row,
    to_table,
    write_parquet,
)
from narrascope.distributed.units import plan_units, read_unit
from narrascope.document import Document, Failure
from narrascope.ingest import IngestOptions, iter_documents
from narrascope.store import Store


def _corpus(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("First title\n\nTanks were sent east.", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text(
        "Second title\n\nTalks resumed in Geneva.", encoding="utf-8"
    )
    (folder / "c.jsonl").write_text(
        '{"id": "r1", "text": "Record one text."}\n{"text": ""}\n', encoding="utf-8"
    )
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    return folder


def test_units_read_back_exactly_what_ingestion_reads(tmp_path):
    folder = _corpus(tmp_path)
    inputs = [str(folder), str(tmp_path / "missing.txt")]
    options = IngestOptions()
    units = list(plan_units(inputs, options))
    assert [u["kind"] for u in units] == [
        "file",
        "file",
        "file",
        "failure",
    ]  # notes.md does not match the glob
    from_units = [item for unit in units for item in read_unit(unit, options)]
    direct = list(iter_documents(inputs, options))
    assert [_key(i) for i in from_units] == [_key(i) for i in direct]
    assert any(isinstance(i, Failure) and "no text" in i.reason for i in from_units)


def _key(item):
    return item.to_json() if isinstance(item, Document) else ("failure", item.input, item.reason)


def test_empty_folder_keeps_the_ingestion_failure(tmp_path):
    (tmp_path / "empty").mkdir()
    units = list(plan_units([str(tmp_path / "empty")], IngestOptions()))
    assert len(units) == 1 and units[0]["kind"] == "failure"
    assert "no articles" in units[0]["payload"]


def test_parquet_input_is_one_unit_per_row_group(tmp_path):
    path = tmp_path / "articles.parquet"
    table = pa.table(
        {
            "id": ["p1", "p2", "p3"],
            "text": ["One text.", "Two text.", "Three text."],
            "source": ["X", "Y", "Z"],
        }
    )
    pq.write_table(table, path, row_group_size=2)
    units = list(plan_units([str(path)], IngestOptions()))
    assert [(u["kind"], u["row_group"]) for u in units] == [("parquet", 0), ("parquet", 1)]
    docs = [d for u in units for d in read_unit(u, IngestOptions())]
    assert [d.id for d in docs] == ["p1", "p2", "p3"]
    assert [d.source for d in docs] == ["X", "Y", "Z"]


def test_partition_keys():
    assert partition_date(datetime(2024, 3, 1, 23, 0, tzinfo=UTC)) == "2024-03-01"
    assert partition_date(date(2024, 3, 1)) == "2024-03-01"
    assert partition_date(None) == "unknown"
    assert partition_source("Le Monde / Opinion") == "le-monde-opinion"
    assert partition_source("../..") == "unknown"
    assert partition_source(None) == "unknown"


def test_rows_round_trip_and_parquet_hashes(tmp_path):
    doc = Document(id="d1", text="A title\n\nSome body.", source="Wire", published=date(2024, 5, 2))
    other = Document(id="d2", text="Other\n\nText.")
    rows = [
        document_row(0, doc),
        failure_row(1, Failure(input="bad.txt", reason="empty text")),
        stored_row(2, other),
    ]
    assert row_result(rows[0]).to_json() == doc.to_json()
    assert row_result(rows[1]) == Failure(input="bad.txt", reason="empty text")
    assert row_result(rows[2]) is None

    root = tmp_path / "out"
    write_parquet(to_table(rows), root)
    assert (root / "date=2024-05-02" / "source=wire").is_dir()
    assert parquet_hashes(root) == {doc.content_hash}  # stored and failed rows are not analyses
    results = list(read_parquet_results(root))
    assert sorted(type(r).__name__ for r in results) == ["Document", "Failure"]
    assert parquet_hashes(tmp_path / "nothing-here") == set()


def test_parquet_output_loads_into_a_store_once(tmp_path):
    docs = [Document(id=f"d{i}", text=f"Title {i}\n\nBody {i}.", source="Wire") for i in range(5)]
    rows = [document_row(i, d) for i, d in enumerate(docs)] + [
        failure_row(9, Failure(input="x.txt", reason="empty text"))
    ]
    write_parquet(to_table(rows[:3]), tmp_path / "out")
    write_parquet(to_table(rows[3:]), tmp_path / "out")
    with Store(tmp_path / "c.duckdb") as store:
        assert load_into_store(tmp_path / "out", store, batch=2) == 5
        assert load_into_store(tmp_path / "out", store) == 0
        assert store.count() == 5
        assert store.get("d3").to_json() == docs[3].to_json()
        assert [f.reason for f in store.failures()][:1] == ["empty text"]


def test_ray_is_imported_only_when_a_ray_run_starts():
    import subprocess
    import sys

    code = "import sys, narrascope.cli, narrascope.runner, narrascope.watch, narrascope.distributed; print('ray' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "False", result.stderr


def test_unknown_engine_is_refused(tmp_path):
    from typer.testing import CliRunner

    from narrascope.cli import app

    result = CliRunner().invoke(app, ["analyze", "--engine", "spark", str(tmp_path)])
    assert result.exit_code == 2
    assert "use 'local' or 'ray'" in result.output


def test_pipeline_actor_rows_in_input_order(tmp_path):
    """The actor called directly (as Ray calls it): stored, analysed, failed and empty units."""
    from narrascope.config import Config
    from narrascope.distributed.actor import PipelineActor

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Known\n\nAlready analysed once.", encoding="utf-8")
    (folder / "b.txt").write_text("Fresh\n\nNot seen before.", encoding="utf-8")
    (folder / "c.jsonl").write_text("", encoding="utf-8")
    (folder / "d.txt").write_text("", encoding="utf-8")
    units = [{**u, "unit": n} for n, u in enumerate(plan_units([str(folder)], IngestOptions()))]
    known = {Document(id="x", text="Known\n\nAlready analysed once.").content_hash}
    actor = PipelineActor(Config.load(), IngestOptions(), only=["segmentation"], known=[known])
    rows = actor(pa.Table.from_pylist(units)).to_pylist()
    assert [(r["unit"], r["status"]) for r in rows] == [
        (0, "stored"),
        (1, "analysed"),
        (2, "empty"),
        (3, "failed"),
    ]
    assert Document.model_validate_json(rows[1]["result"]).paragraphs
    assert rows[3]["error"] == "empty text"
