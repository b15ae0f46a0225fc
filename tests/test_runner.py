"""The run loop: duplicates, resume from a store, failures, JSONL, progress, worker processes."""

from __future__ import annotations

import gc
import io
import json

import pytest

from narrascope import Document, Failure, Pipeline, registry
from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.runner import Callbacks, RunError, RunStats, Sinks, run, run_inputs
from narrascope.store import Store


def article(i: int) -> Document:
    return Document(
        id=f"doc-{i}",
        text=f"Report number {i}\n\nRussia moved {i} launchers west. Officials said so.",
    )


@pytest.fixture(scope="module")
def segmenter() -> Pipeline:
    return Pipeline.from_config(only=["segmentation"])


@registry.register
class Explodes(Analyzer):
    """Fails the whole batch whenever a document says BOOM (to test poison documents)."""

    name = "test-explodes"
    requires = (contracts.SENTENCES,)

    def process(self, docs: list[Document]) -> None:
        if any("BOOM" in d.text for d in docs):
            raise RuntimeError("cannot cope")


def test_duplicates_skipped_and_results_written(segmenter, capsys):
    stream = [
        article(1),
        article(2),
        Document(id="copy", text=article(1).text.upper()),
        article(3),
        Failure(input="missing.txt", reason="no such file or directory"),
    ]
    out = io.StringIO()
    seen: list[RunStats] = []
    docs: list[str] = []
    stats = run(
        stream,
        segmenter,
        Sinks(jsonl=out),
        Callbacks(progress=lambda s: seen.append(s.seen), document=lambda d: docs.append(d.id)),
        batch_size=2,
    )
    assert (stats.analysed, stats.duplicates, stats.already_stored, stats.failed) == (3, 1, 0, 1)
    lines = [Document.model_validate_json(line) for line in out.getvalue().splitlines()]
    assert [d.id for d in lines] == ["doc-1", "doc-2", "doc-3"] == docs
    assert all(d.paragraphs and d.check_offsets() == [] for d in lines)
    assert seen and seen[-1] == 5 and seen == sorted(seen)
    assert capsys.readouterr().err.strip() == "error: missing.txt: no such file or directory"
    assert (
        "analysed 3, skipped as duplicate 1" in stats.summary() and "articles/s" in stats.summary()
    )


def test_objects_from_before_the_run_are_frozen_during_it_only(segmenter):
    """The models (and whatever else exists before a run) skip the collector's full passes
    while the run lasts; afterwards the collector is as it was, also after a failure."""
    assert gc.get_freeze_count() == 0
    frozen: list[int] = []
    stats = run(
        [article(1), article(2)],
        segmenter,
        Sinks(),
        Callbacks(document=lambda d: frozen.append(gc.get_freeze_count())),
    )
    assert stats.analysed == 2 and len(frozen) == 2 and all(n > 0 for n in frozen)
    assert gc.get_freeze_count() == 0

    def fails(_: object) -> None:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        run([article(3)], segmenter, Sinks(), Callbacks(document=fails))
    assert gc.get_freeze_count() == 0


def test_a_run_leaves_objects_frozen_by_others_frozen(segmenter):
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        run([article(4)], segmenter, Sinks(), Callbacks())
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()


def test_resume_from_store_without_duplicates(segmenter, tmp_path):
    path = tmp_path / "corpus.duckdb"
    with Store(path) as store:
        first = run([article(i) for i in range(4)], segmenter, Sinks(store=store), batch_size=3)
        again = run([article(i) for i in range(6)], segmenter, Sinks(store=store), batch_size=3)
        assert (first.analysed, again.analysed, again.already_stored) == (4, 2, 4)
        assert store.count() == 6
        assert store.query(
            "SELECT count(*), count(DISTINCT (article_id, idx)) FROM paragraphs"
        ) == [(12, 12)]


def test_poison_document_fails_alone(tmp_path, capsys):
    pipeline = Pipeline.from_config(only=["test-explodes"])
    stream = [
        article(1),
        Document(id="bad", text="BOOM\n\nthis one breaks", meta={"input": "bad.txt"}),
        article(2),
    ]
    with Store(tmp_path / "c.duckdb") as store:
        stats = run(stream, pipeline, Sinks(store=store), batch_size=3)
        assert (stats.analysed, stats.failed) == (2, 1)
        assert [f.input for f in store.failures()] == ["bad.txt"]
        assert store.count() == 2
    assert "error: bad.txt: analysis failed: RuntimeError: cannot cope" in capsys.readouterr().err


def test_jsonl_file_and_html_report(segmenter, tmp_path):
    pytest.importorskip("narrascope.report.html")
    out, html = tmp_path / "r.jsonl", tmp_path / "r.html"
    hostile = Document(id="x", text="<script>alert(1)</script> Headline\n\nBody text about Iran.")
    stats = run([article(1), hostile], segmenter, Sinks(jsonl=out, html=html, html_title="My run"))
    assert stats.analysed == 2
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    page = html.read_text(encoding="utf-8")
    assert "Report number 1" in page and "<script>alert(1)</script>" not in page


def test_run_inputs_reads_a_folder(segmenter, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.txt").write_text(article(i).text, encoding="utf-8")
    (folder / "copy.txt").write_text(article(0).text, encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    out = io.StringIO()
    stats = run_inputs(
        [str(folder)],
        segmenter,
        sinks=Sinks(jsonl=out),
        callbacks=Callbacks(failure=lambda f: None),
    )
    assert (stats.analysed, stats.duplicates, stats.failed) == (3, 1, 1)
    assert {json.loads(line)["title"] for line in out.getvalue().splitlines()} == {
        f"Report number {i}" for i in range(3)
    }


def test_worker_processes_give_the_same_results(segmenter, tmp_path):
    docs = [article(i) for i in range(12)]
    with Store(tmp_path / "c.duckdb") as store:
        stats = run(docs, segmenter, Sinks(store=store), jobs=2, batch_size=2)
        assert (stats.analysed, stats.failed) == (12, 0)
        stored = {d.id: d for d in store.iter_documents()}
    single = {d.id: d for d in (segmenter.analyze(article(i)) for i in range(12))}
    assert stored.keys() == single.keys()
    assert all(stored[k].sentences == single[k].sentences for k in single)


def test_same_id_different_articles_do_not_overwrite(segmenter, tmp_path):
    a = Document(id="index.html", text="First story\n\nAbout tanks.")
    b = Document(id="index.html", text="Second story\n\nAbout drones.")
    with Store(tmp_path / "c.duckdb") as store:
        stats = run([a, b], segmenter, Sinks(store=store))
        assert stats.analysed == 2 and store.count() == 2
        renamed = store.get(f"index.html#{b.content_hash[:12]}")
        assert renamed.text.startswith("Second story") and "already used" in renamed.warnings[0]


def test_workers_need_built_in_analyzers():
    pipeline = Pipeline.from_config(only=["test-explodes"])
    with pytest.raises(RunError, match=r"\['test-explodes'\] are registered in this process only"):
        run([article(1)], pipeline, jobs=2)


def test_workers_that_cannot_start_stop_the_run_clearly(segmenter):
    broken_config = segmenter.config.model_copy(
        update={"options": {"segmentation": {"no_such_option": 1}}}
    )
    pipeline = Pipeline(
        segmenter.analyzers, broken_config
    )  # this process never reads those options
    failures: list[Failure] = []
    with pytest.raises(RunError, match="a worker process died"):
        run(
            [article(i) for i in range(8)],
            pipeline,
            Sinks(jsonl=io.StringIO()),
            Callbacks(failure=failures.append),
            jobs=2,
            batch_size=2,
        )
    assert failures and all("BrokenProcessPool" in f.reason for f in failures)


@pytest.mark.slow
def test_throughput_benchmark_reports_its_numbers(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(4):
        (folder / f"a{i}.txt").write_text(article(i).text, encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text(
        '[pipeline]\nanalyzers = ["segmentation", "embeddings"]\nbatch_size = 2\n', encoding="utf-8"
    )
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "throughput.py"
    result = subprocess.run(
        [sys.executable, str(script), str(folder), "--limit", "3", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines() if line.strip())
    assert "analysed 3," in lines["run"]
    assert "articles/s wall" in lines["throughput"] and "pipeline/backbone" in lines["ratio"]
    assert "embeddings" in lines["time"] and "MiB" in lines["peak"]


def test_an_article_that_cannot_be_written_fails_alone(segmenter, tmp_path, capsys):
    from narrascope.document import Genre

    class Odd(Analyzer):
        """Fills layers with values JSON (doc-2) or the store's BIGINT column (doc-3) cannot hold."""

        name = "test-odd"

        def process(self, docs):
            for d in docs:
                if d.id == "doc-2":
                    d.genre = Genre.model_construct(label=object(), score=1.0, scores=[])
                if d.id == "doc-3":
                    d.paragraphs[0].index = 2**70

    pipeline = Pipeline([*segmenter.analyzers, Odd()], segmenter.config)
    out = io.StringIO()
    with Store(tmp_path / "c.duckdb") as store:
        stats = run([article(i) for i in range(1, 5)], pipeline, Sinks(store=store, jsonl=out))
        assert (stats.analysed, stats.failed) == (2, 2)
        assert sorted(d.id for d in store.iter_documents()) == ["doc-1", "doc-4"]
        assert sorted(f.input for f in store.failures()) == ["doc-2", "doc-3"]
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == ["doc-1", "doc-4"]
    err = capsys.readouterr().err
    assert "error: doc-2: cannot serialise the result" in err
    assert "error: doc-3: cannot store the result" in err
