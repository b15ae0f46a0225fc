"""`narrascope analyze`, `export` and `schema` from the command line, as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from narrascope.cli.app import app
from narrascope.document import Document
from narrascope.store import Store

runner = CliRunner()


@pytest.fixture()
def light_config(tmp_path: Path) -> Path:
    """Segmentation and language only: the CLI is the point here, not the models."""
    path = tmp_path / "light.toml"
    path.write_text(
        '[pipeline]\nanalyzers = ["segmentation", "language"]\nbatch_size = 4\n', encoding="utf-8"
    )
    return path


def write_articles(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"article-{i:02d}.txt"
        path.write_text(
            f"Ministers meet over shipment {i}\n\n"
            f"Officials said shipment {i} of artillery shells left the port on Tuesday.\n"
            f"The government denied any role in shipment {i}.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_one_article_to_stdout_with_a_readable_summary(sample_path, light_config):
    result = runner.invoke(app, ["analyze", str(sample_path), "--config", str(light_config)])
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    doc = Document.model_validate_json(line)
    assert doc.title == sample_path.read_text(encoding="utf-8").splitlines()[0].strip()
    assert doc.language is not None and doc.language.code == "en" and doc.check_offsets() == []
    assert doc.title[:40] in result.stderr
    assert "language en" in result.stderr and "paragraphs" in result.stderr
    assert "analysed 1, skipped as duplicate 0, already stored 0, failed 0" in result.stderr


def test_article_text_is_printed_literally_not_as_markup(tmp_path, light_config):
    path = tmp_path / "markup.txt"
    path.write_text(
        "[bold]Shells[/bold] for [red]Kyiv\n\nThe shipment [of 155 mm shells] arrived.\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["analyze", str(path), "--config", str(light_config)])
    assert result.exit_code == 0
    assert "[bold]Shells[/bold] for [red]Kyiv" in result.stderr


def test_failures_are_named_and_the_batch_goes_on(tmp_path, light_config):
    good = write_articles(tmp_path / "in", 2)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    args = [
        "analyze",
        str(good[0]),
        str(tmp_path / "nope.txt"),
        str(empty),
        str(good[1]),
        str(good[0]),
        "--out",
        str(out),
        "--config",
        str(light_config),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert errors[0].startswith(f"error: {tmp_path / 'nope.txt'}: ")
    assert errors[1].startswith(f"error: {empty}: ")
    assert "analysed 2, skipped as duplicate 1, already stored 0, failed 2" in result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert result.stdout == ""  # results went to --out


def test_store_rerun_and_export(tmp_path, light_config):
    folder = tmp_path / "in"
    write_articles(folder, 5)
    db = tmp_path / "c.duckdb"
    first = runner.invoke(
        app, ["analyze", str(folder), "--db", str(db), "--config", str(light_config), "--quiet"]
    )
    assert first.exit_code == 0 and first.stderr == ""
    write_articles(folder, 7)
    again = runner.invoke(
        app, ["analyze", str(folder), "--db", str(db), "--config", str(light_config)]
    )
    assert again.exit_code == 0
    assert "analysed 2, skipped as duplicate 0, already stored 5, failed 0" in again.stderr
    for fmt in ("jsonl", "csv", "parquet"):
        target = tmp_path / f"articles.{fmt}"
        result = runner.invoke(
            app, ["export", "--db", str(db), "--format", fmt, "--out", str(target)]
        )
        assert result.exit_code == 0, result.output
    docs = [
        Document.model_validate_json(line)
        for line in (tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(d.id for d in docs) == [f"article-{i:02d}.txt" for i in range(7)]
    assert pq.read_table(tmp_path / "articles.parquet").num_rows == 7
    assert (
        (tmp_path / "articles.csv")
        .read_text(encoding="utf-8")
        .startswith("article_id,content_hash,")
    )
    sentences = tmp_path / "sentences.parquet"
    assert (
        runner.invoke(
            app,
            ["export", "--db", str(db), "-f", "parquet", "-o", str(sentences), "-t", "sentences"],
        ).exit_code
        == 0
    )
    assert pq.read_table(sentences).num_rows == 21


def test_export_errors(tmp_path):
    missing = runner.invoke(
        app, ["export", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "x.jsonl")]
    )
    assert missing.exit_code == 2 and "no such store" in missing.stderr
    with Store(tmp_path / "c.duckdb"):
        pass
    bad_table = runner.invoke(
        app,
        [
            "export",
            "--db",
            str(tmp_path / "c.duckdb"),
            "-o",
            str(tmp_path / "x.csv"),
            "-f",
            "csv",
            "-t",
            "nope",
        ],
    )
    assert bad_table.exit_code == 2 and "unknown table 'nope'" in bad_table.stderr
    bad_format = runner.invoke(
        app, ["export", "--db", str(tmp_path / "c.duckdb"), "-o", str(tmp_path / "x"), "-f", "xml"]
    )
    assert bad_format.exit_code == 2 and "jsonl, csv, parquet" in bad_format.stderr


def test_unwritable_output_is_a_one_line_error(tmp_path, sample_path, light_config):
    out = tmp_path / "no-such-folder" / "r.jsonl"
    result = runner.invoke(
        app, ["analyze", str(sample_path), "--out", str(out), "--config", str(light_config)]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {out}: [Errno 2] No such file or directory: '{out}'"


def test_bad_config_is_a_one_line_error(tmp_path, sample_path):
    config = tmp_path / "c.toml"
    config.write_text('[pipeline]\nanalyzers = ["segmentation", "nonexistent"]\n', encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(sample_path), "--config", str(config)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "unknown analyzer 'nonexistent'" in result.stderr


def test_schema_command_prints_the_versioned_schema():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$id"].startswith("urn:narrascope:document:")
    assert {"text", "entities", "relations", "techniques"} <= set(schema["properties"])


KILLABLE = """
import os, sys, time
from narrascope import registry
from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer

@registry.register
class Slow(Analyzer):
    name = "slow"
    requires = (contracts.SENTENCES,)

    def process(self, docs):
        time.sleep(float(os.environ.get("SECONDS_PER_ARTICLE", "0.3")) * len(docs))

from narrascope.cli import main
sys.argv = ["narrascope", *sys.argv[1:]]
main()
"""


def start_slow_run(tmp_path: Path, n_articles: int = 20) -> tuple[list[str], Path, Path]:
    """A real `narrascope analyze --db` command whose analysis takes $SECONDS_PER_ARTICLE (0.3 s) per article."""
    folder = tmp_path / "in"
    write_articles(folder, n_articles)
    script = tmp_path / "killable.py"
    script.write_text(KILLABLE, encoding="utf-8")
    config = tmp_path / "slow.toml"
    config.write_text(
        '[pipeline]\nanalyzers = ["segmentation", "slow"]\nbatch_size = 2\n', encoding="utf-8"
    )
    db, out = tmp_path / "c.duckdb", tmp_path / "done.jsonl"
    return (
        [
            sys.executable,
            str(script),
            "analyze",
            str(folder),
            "--db",
            str(db),
            "--out",
            str(out),
            "--config",
            str(config),
        ],
        db,
        out,
    )


def restore_ctrl_c() -> None:
    """A shell's background job ignores SIGINT and its children inherit that: give the child Ctrl-C back."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def results_so_far(out: Path) -> str:
    """The JSONL a run has written so far: its temporary file beside `out` while it runs."""
    parts = sorted(out.parent.glob(f".{out.name}.*.part"))
    path = parts[0] if parts else out
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:  # renamed onto `out` meanwhile
        return out.read_text(encoding="utf-8") if out.exists() else ""


def interrupt_after(args: list[str], out: Path, lines: int, sig: int) -> subprocess.Popen:
    """Start the run, wait until `lines` results are reported in the JSONL, then send `sig`."""
    process = subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=restore_ctrl_c,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if len(results_so_far(out).splitlines()) >= lines:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be interrupted"
    os.kill(process.pid, sig)
    process.wait(timeout=60)
    return process


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path):
    args, db, out = start_slow_run(tmp_path)
    process = interrupt_after(args, out, 2, signal.SIGINT)
    assert process.returncode == 130
    stderr = process.stderr.read()
    with Store(db, read_only=True) as store:
        n = store.count()
        assert n >= 2 and store.count("sentences") == 3 * n
    assert f"interrupted; {n} articles in {db}, rerun to resume" in stderr
    # the results of an interrupted run replace the file, whole lines only
    assert len(out.read_text(encoding="utf-8").splitlines()) >= 2
    assert not list(tmp_path.glob(".done.jsonl.*.part"))


def test_kill_9_loses_nothing_reported_and_a_rerun_resumes(tmp_path):
    """Kill a real `analyze --db` run mid-way; what it reported is stored whole; a rerun finishes the rest."""
    args, db, out = start_slow_run(tmp_path)
    interrupt_after(args, out, 4, signal.SIGKILL)
    assert not out.exists()  # a killed run never renamed its results onto the destination
    reported = {
        json.loads(line)["id"] for line in results_so_far(out).splitlines() if line.endswith("}")
    }
    assert 4 <= len(reported) < 20

    with Store(db, read_only=True) as store:
        stored = {d.id: d for d in store.iter_documents()}
        assert reported <= stored.keys()  # nothing reported as done was lost
        for doc in stored.values():  # and every stored article is complete
            rows = store.query("SELECT count(*) FROM sentences WHERE article_id = ?", [doc.id])[0][
                0
            ]
            assert rows == len(doc.sentences) > 0
        n_stored = len(stored)

    rerun = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SECONDS_PER_ARTICLE": "0"},
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"already stored {n_stored}, failed 0" in rerun.stderr
    with Store(db, read_only=True) as store:
        assert store.query("SELECT count(*), count(DISTINCT article_id) FROM articles") == [
            (20, 20)
        ]
        assert store.query("SELECT count(*), count(DISTINCT (article_id, idx)) FROM sentences") == [
            (60, 60)
        ]


def test_article_summary_shows_every_filled_layer():
    from rich.console import Console

    from narrascope.cli.analyze import layer_counts, print_article, top_items
    from test_store import full_document

    doc = full_document()
    counts = layer_counts(doc)
    assert (
        counts["relations"] == 1 and counts["technique spans"] == 1 and counts["subnarratives"] == 1
    )
    rows = dict(top_items(doc))
    assert rows["genre"] == "opinion (0.70)"
    assert rows["frames"] == "Security_and_defense"
    assert rows["narrative"] == "Blaming the war on others (0.80)"
    assert rows["role"] == "Iran: Antagonist (Instigator)"
    assert rows["relation"] == "IRN —supplies_weapons→ RUS [attack drones], reported"
    assert rows["technique"] == "Loaded_Language: “a disgrace”"
    console = Console(record=True, width=120)
    print_article(console, doc)
    text = console.export_text()
    assert "Moscow Buys Drones From Tehran" in text and "IRN —supplies_weapons→ RUS" in text


def test_expected_articles_counts_only_what_a_listing_tells(tmp_path):
    from narrascope.cli.analyze import expected_articles
    from narrascope.ingest import IngestOptions

    folder = tmp_path / "in"
    write_articles(folder, 3)
    (folder / "page.html").write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    options = IngestOptions()
    assert expected_articles([str(folder), str(tmp_path / "missing.txt")], options) == 5
    assert expected_articles([str(folder), "https://example.org/feed.xml"], options) is None
    (folder / "records.jsonl").write_text('{"text": "a"}\n{"text": "b"}\n', encoding="utf-8")
    assert expected_articles([str(folder)], options) is None
    assert expected_articles([str(folder)], IngestOptions(glob="*.txt")) == 3
