"""Article ids stay unique across runs: a rerun never replaces a stored article with another one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from narrascope.cli.app import app
from narrascope.document import Document
from narrascope.store import Store

runner = CliRunner()


@pytest.fixture()
def light_config(tmp_path: Path) -> Path:
    path = tmp_path / "light.toml"
    path.write_text('[pipeline]\nanalyzers = ["segmentation"]\n', encoding="utf-8")
    return path


def notes(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "notes.txt"
    path.write_text(text, encoding="utf-8")
    return path


def analyze(config: Path, db: Path, *inputs: Path | str) -> str:
    args = ["analyze", *map(str, inputs), "--db", str(db), "--config", str(config), "-q"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stderr


def stored_texts(db: Path) -> dict[str, str]:
    with Store(db, read_only=True) as store:
        return {doc.id: doc.text for doc in store.iter_documents()}


def test_same_name_in_two_folders_across_runs_keeps_both(tmp_path, light_config):
    a = notes(tmp_path / "a", "Alpha report\n\nRussia moved launchers west.\n")
    b = notes(tmp_path / "b", "Beta report\n\nChina sent ships south.\n")
    db = tmp_path / "r.duckdb"
    analyze(light_config, db, a)
    analyze(light_config, db, a, b)
    first = stored_texts(db)
    assert sorted(first.values()) == sorted([a.read_text(), b.read_text()])
    assert first["notes.txt"] == a.read_text()  # the stored article keeps its id
    for _ in range(3):  # reruns change nothing: no flipping between A and B
        analyze(light_config, db, a, b)
        analyze(light_config, db, b, a)
        assert stored_texts(db) == first
    with Store(db, read_only=True) as store:
        assert store.count() == 2
        for table in store.table_names()[1:-1]:
            ids = {i for (i,) in store.query(f'SELECT DISTINCT article_id FROM "{table}"')}
            assert ids <= set(first)


def test_changed_article_is_a_new_version_unless_update(tmp_path, light_config):
    path = notes(tmp_path / "a", "First draft\n\nRussia moved launchers west.\n")
    db = tmp_path / "r.duckdb"
    analyze(light_config, db, path)
    path.write_text("Second draft\n\nRussia moved launchers east.\n", encoding="utf-8")
    analyze(light_config, db, path)
    versions = stored_texts(db)
    assert len(versions) == 2 and versions["notes.txt"].startswith("First draft")
    (new_id,) = set(versions) - {"notes.txt"}
    assert new_id.startswith("notes.txt#") and versions[new_id].startswith("Second draft")
    with Store(db, read_only=True) as store:
        assert any("new version" in w for w in store.get(new_id).warnings)

    path.write_text("Third draft\n\nRussia moved launchers north.\n", encoding="utf-8")
    analyze(light_config, db, path, "--update")
    updated = stored_texts(db)
    assert updated["notes.txt"].startswith("Third draft") and updated[new_id] == versions[new_id]
    assert len(updated) == 2


def test_same_jsonl_id_in_two_files_and_jsonl_output_ids_match_store(tmp_path, light_config):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    one.write_text(json.dumps({"id": "x1", "text": "Alpha\n\nIran tested a missile."}) + "\n")
    two.write_text(json.dumps({"id": "x1", "text": "Beta\n\nIsrael struck a depot."}) + "\n")
    db, out = tmp_path / "r.duckdb", tmp_path / "out.jsonl"
    analyze(light_config, db, one)
    result = runner.invoke(
        app, ["analyze", str(two), "--db", str(db), "--config", str(light_config), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    (line,) = out.read_text().splitlines()
    written = Document.model_validate_json(line)
    texts = stored_texts(db)
    assert len(texts) == 2 and texts["x1"].startswith("Alpha")
    assert written.id != "x1" and texts[written.id].startswith("Beta")


def test_store_write_never_replaces_a_different_article(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.write([Document(id="u", text="one text")])
        store.write([Document(id="u", text="another text"), Document(id="u", text="third")])
        texts = {d.id: d.text for d in store.iter_documents()}
        assert sorted(texts.values()) == ["another text", "one text", "third"]
        assert texts["u"] == "one text"
        store.write([Document(id="u", text="one text")])  # the same article: rows replaced
        assert store.count() == 3
        store.write([Document(id="u", text="replacement")], update=True)
        assert store.get("u").text == "replacement" and store.count() == 3
