"""The relation annotations: training splits only, a fixed dev set, offsets that resolve."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from narrascope.annotation import relations, select

# sha256 of the sorted dev doc ids: the 40 dev articles never change
DEV_DIGEST = "987114526e77ddf535d97cabd4d4f770f7fbf5baa14fa5c4afceb44fdf5cb25c"


def test_manifest_lists_training_articles_once() -> None:
    rows = relations.manifest()
    ids = [row["doc_id"] for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        assert row["split"] in {"train", "dev"}
        assert "test" not in Path(row["path"]).parts[:-1]
        assert row["path"].startswith(tuple(select.SOURCES.values()))
        assert row["path"].endswith("/" + row["doc_id"])


def test_dev_split_is_frozen_and_later_draws_are_train() -> None:
    rows = relations.manifest()
    dev = sorted(row["doc_id"] for row in rows if row["split"] == "dev")
    assert len(dev) == 40
    assert hashlib.sha256("\n".join(dev).encode()).hexdigest() == DEV_DIGEST
    later = [row for row in rows if "draw" in row]
    assert len(later) == sum(select.RELATION_EXTRA.values())
    assert all(row["split"] == "train" for row in later)
    assert len(rows) - len(later) == sum(select.RELATION_COUNTS.values())


def test_every_listed_article_has_a_label_file_and_records_are_well_formed() -> None:
    listed = {row["doc_id"] for row in relations.manifest()}
    files = {path.name.removesuffix(".jsonl") for path in relations.LABELS.glob("*.jsonl")}
    assert files == listed
    for path in relations.LABELS.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert record["doc_id"] == path.name.removesuffix(".jsonl")
            assert "sentence" not in record and "text" not in record  # offsets only
            assert record["type"] in relations.TYPES


@pytest.mark.slow
def test_second_draw_is_reproducible(shared_data: Path) -> None:
    """Re-running the selection gives the committed manifest (reads every pool article)."""
    rows = relations.manifest()
    assert select.extended_manifest(shared_data, rows) == rows


def test_every_offset_resolves_in_its_article(shared_data: Path) -> None:
    assert relations._check(shared_data) == 0
    loaded = relations.load(data_root=shared_data)
    assert len(loaded) == len(relations.manifest())
    for records in loaded.values():
        for record in records:
            assert record.sentence == record.sentence.strip() and record.sentence
            assert all(obj and obj in record.sentence for obj in record.objects)
