"""Command-line values that used to misbehave: CSV cells a spreadsheet runs as formulas, odd durations."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from narrascope.cli.app import app
from narrascope.document import Document
from narrascope.store import Store
from narrascope.watch import parse_every

runner = CliRunner()
FORMULAS = {
    "id": "=cmd|' /C calc'!A0",
    "title": "+SUM(1,2)",
    "source": "@evil",
    "url": "-2+3",
    "text": '=HYPERLINK("http://x.example","click")\n\nbody',
}


@pytest.fixture()
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "c.duckdb"
    with Store(path) as store:
        store.write(
            [
                Document(**FORMULAS),
                Document(id="plain", text="Plain title\n\nA body.", title="Plain title"),
            ]
        )
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_csv_export_neutralises_formula_cells(store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "articles.csv"
    result = runner.invoke(app, ["export", "--db", str(store_path), "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = {r["article_id"].lstrip("'"): r for r in read_csv(out)}
    bad = rows[FORMULAS["id"]]
    for column, field in (("article_id", "id"), ("title", "title"), ("source", "source")):
        assert bad[column] == "'" + FORMULAS[field], column
    assert bad["text"] == "'" + FORMULAS["text"] and bad["url"] == "'-2+3"
    for row in read_csv(out):  # no text cell of any row starts like a formula
        assert not any(v[:1] in ("=", "+", "-", "@", "\t", "\r") for v in row.values())
    plain = rows["plain"]
    assert plain["title"] == "Plain title" and plain["text"] == "Plain title\n\nA body."

    entities = tmp_path / "relations.csv"
    assert (
        runner.invoke(
            app,
            [
                "export",
                "--db",
                str(store_path),
                "-f",
                "csv",
                "-t",
                "sentences",
                "-o",
                str(entities),
            ],
        ).exit_code
        == 0
    )


def test_csv_export_raw_keeps_cells(store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "raw.csv"
    args = ["export", "--db", str(store_path), "-f", "csv", "-o", str(out), "--raw"]
    assert runner.invoke(app, args).exit_code == 0
    rows = {r["article_id"]: r for r in read_csv(out)}
    assert rows[FORMULAS["id"]]["title"] == FORMULAS["title"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400h", "1e400", "0.01s", "0", "400d"])
def test_watch_refuses_durations_that_cannot_be_slept(value: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must be a number from"):
        parse_every(value)
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("https://news.example/feed.xml\n", encoding="utf-8")
    result = runner.invoke(
        app, ["watch", str(feeds), "--db", str(tmp_path / "w.duckdb"), "--every", value, "--once"]
    )
    assert result.exit_code == 2 and "must be a number from" in result.output
    assert "Traceback" not in result.output


def test_watch_durations_in_range() -> None:
    assert (
        parse_every("1s") == 1 and parse_every("15m") == 900 and parse_every("365d") == 365 * 86400
    )
