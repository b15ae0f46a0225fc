"""Outputs are never lost: files replaced only by complete results, bad inputs refused before any
model loads, a locked or corrupt store reported in one line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from narrascope.atomic import AtomicFile, atomic_text
from narrascope.cli.app import app
from narrascope.store import Store

runner = CliRunner()
OLD_REPORT = "<html><body>last week's report</body></html>\n"
OLD_RESULTS = '{"id": "kept"}\n'


@pytest.fixture()
def light_config(tmp_path: Path) -> Path:
    path = tmp_path / "light.toml"
    path.write_text('[pipeline]\nanalyzers = ["segmentation", "language"]\n', encoding="utf-8")
    return path


@pytest.fixture()
def no_models(monkeypatch):
    """Fail the test if the command gets as far as building the pipeline."""
    from narrascope.pipeline import Pipeline

    def refuse(*args, **kwargs):
        raise AssertionError("the pipeline was built")

    monkeypatch.setattr(Pipeline, "from_config", refuse)


def existing_outputs(tmp_path: Path) -> tuple[Path, Path]:
    report, results = tmp_path / "report.html", tmp_path / "results.jsonl"
    report.write_text(OLD_REPORT, encoding="utf-8")
    results.write_text(OLD_RESULTS, encoding="utf-8")
    return report, results


def leftovers(folder: Path) -> list[Path]:
    return list(folder.glob(".*.part"))


def test_a_typo_in_the_input_leaves_the_report_untouched_and_fails_at_once(
    tmp_path, light_config, no_models
):
    report, results = existing_outputs(tmp_path)
    started = time.perf_counter()
    result = runner.invoke(
        app,
        [
            "analyze",
            str(tmp_path / "x.tx"),
            "--html",
            str(report),
            "--out",
            str(results),
            "--config",
            str(light_config),
        ],
    )
    seconds = time.perf_counter() - started
    assert result.exit_code == 1
    assert seconds < 1.0, seconds
    assert f"error: {tmp_path / 'x.tx'}: no such file or directory" in result.stderr
    assert "left unchanged" in result.stderr
    assert report.read_text(encoding="utf-8") == OLD_REPORT
    assert results.read_text(encoding="utf-8") == OLD_RESULTS
    assert not leftovers(tmp_path)


def test_pdf_and_other_schemes_are_refused_before_models_load(tmp_path, light_config, no_models):
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    renamed = tmp_path / "paper.txt"
    renamed.write_bytes(pdf.read_bytes())
    started = time.perf_counter()
    result = runner.invoke(
        app,
        ["analyze", str(pdf), str(renamed), "ftp://example.org/a.txt"],
    )
    assert time.perf_counter() - started < 1.0
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert lines == [
        f"error: {pdf}: binary file (a PDF document), not text",
        f"error: {renamed}: binary file (a PDF document), not text",
        "error: ftp://example.org/a.txt: refused: unsupported URL scheme ftp:; "
        "only http and https are fetched",
    ]


def test_a_run_whose_inputs_all_fail_later_keeps_existing_files(tmp_path, light_config):
    report, results = existing_outputs(tmp_path)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "analyze",
            str(empty),
            "--html",
            str(report),
            "-o",
            str(results),
            "--config",
            str(light_config),
        ],
    )
    assert result.exit_code == 1
    assert f"error: {empty}: empty text" in result.stderr
    assert f"nothing analysed: {results}, {report} left unchanged" in result.stderr
    assert report.read_text(encoding="utf-8") == OLD_REPORT
    assert results.read_text(encoding="utf-8") == OLD_RESULTS
    assert not leftovers(tmp_path)


def test_a_run_that_produces_results_replaces_the_files(tmp_path, light_config, sample_path):
    report, results = existing_outputs(tmp_path)
    result = runner.invoke(
        app,
        [
            "analyze",
            str(sample_path),
            str(tmp_path / "missing.txt"),
            "--html",
            str(report),
            "-o",
            str(results),
            "--config",
            str(light_config),
        ],
    )
    assert result.exit_code == 1  # one input failed, the other was analysed
    assert "analysed 1" in result.stderr
    assert results.read_text(encoding="utf-8").count("\n") == 1
    assert '"id": "kept"' not in results.read_text(encoding="utf-8")
    assert "last week's report" not in report.read_text(encoding="utf-8")
    assert not leftovers(tmp_path)


# --- the atomic file itself ---------------------------------------------------------------


def test_an_error_while_writing_keeps_the_old_file(tmp_path):
    path = tmp_path / "graph.html"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_text(path) as handle:
        handle.write("half a new page")
        raise RuntimeError("render failed")
    assert path.read_text(encoding="utf-8") == "old"
    assert not leftovers(tmp_path)
    with atomic_text(path) as handle:
        handle.write("new")
    assert path.read_text(encoding="utf-8") == "new"
    assert path.stat().st_mode & 0o644 == 0o644  # not the owner-only mode of a temporary file


def test_a_missing_folder_names_the_destination(tmp_path):
    target = tmp_path / "no-such-folder" / "r.jsonl"
    with pytest.raises(OSError) as caught:
        AtomicFile(target)
    assert caught.value.filename == str(target)


# --- stores that cannot be opened -------------------------------------------------------

HOLD = """
import sys, time
from narrascope.store import Store
store = Store(sys.argv[1])
print("holding", flush=True)
time.sleep(60)
"""


@pytest.fixture()
def locked_store(tmp_path):
    """A store held open for writing by another process (as `narrascope serve --db` does)."""
    db = tmp_path / "corpus.duckdb"
    Store(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield db
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_graph_on_a_store_locked_by_another_process_is_one_line(locked_store, tmp_path):
    out = tmp_path / "graph.html"
    out.write_text("old graph", encoding="utf-8")
    result = runner.invoke(app, ["graph", "--db", str(locked_store), "-o", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {locked_store}: the store is in use by another process")
    assert "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "old graph"


def test_export_and_analyze_on_a_locked_store_are_one_line(
    locked_store, tmp_path, sample_path, no_models
):
    export = runner.invoke(app, ["export", "--db", str(locked_store), "-o", str(tmp_path / "x")])
    # analyze opens the store before loading any model
    analyze = runner.invoke(app, ["analyze", str(sample_path), "--db", str(locked_store)])
    for result in (export, analyze):
        assert result.exit_code == 2
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "in use by another process" in result.stderr


def test_a_corrupt_store_is_one_line(tmp_path):
    db = tmp_path / "corpus.duckdb"
    db.write_bytes(b"not a database at all " * 400)
    result = runner.invoke(app, ["graph", "--db", str(db)])
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"error: {db}: not a DuckDB corpus store (corrupt, or another kind of file)"
    )
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()  # a DuckDB file without the corpus tables
    result = runner.invoke(app, ["graph", "--db", str(other)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {other}: not a narrascope corpus store")
