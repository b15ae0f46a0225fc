"""The Ray runner against a real local Ray instance: same layers as the single-process run,
poison documents, a worker that dies, incremental reruns into Parquet and the store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from narrascope import Pipeline  # noqa: E402
from narrascope.distributed import analyze_with_ray  # noqa: E402
from narrascope.runner import Sinks, run_inputs  # noqa: E402
from narrascope.store import Store  # noqa: E402

pytestmark = [pytest.mark.timeout(600), pytest.mark.ray]

ARTICLES = {
    "talks.txt": "Ministers meet again\n\nFrance and Germany resumed talks with Ukraine in Berlin on Monday.",
    "sanctions.txt": "New sanctions\n\nThe European Union imposed sanctions on Iran over drone deliveries to Russia.",
    "strike.txt": "Overnight strike\n\nRussia launched missiles at Kyiv, officials in Ukraine said.",
    "copy.txt": "New sanctions\n\nThe European Union imposed sanctions on Iran over drone deliveries to Russia.",
    "empty.txt": "   \n",
}


@pytest.fixture(scope="module")
def local_ray():
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=256 * 1024**2,
        logging_level="WARNING",
        _system_config={"worker_niceness": 0},
    )  # as the runner starts it: workers at normal priority
    yield
    ray.shutdown()


def corpus(root: Path, extra: dict[str, str] | None = None) -> Path:
    folder = root / "corpus"
    folder.mkdir(exist_ok=True)
    for name, text in {**ARTICLES, **(extra or {})}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def comparable(line: str) -> dict:
    """A result document without fields that may legitimately differ between runs (none today)."""
    doc = json.loads(line)
    doc.get("meta", {}).pop("timing", None)
    return doc


def test_same_layers_as_the_single_process_run(tmp_path, local_ray, sample_path):
    folder = corpus(tmp_path)
    (folder / "op-ed.txt").write_text(sample_path.read_text(encoding="utf-8"), encoding="utf-8")
    single = tmp_path / "single.jsonl"
    expected = run_inputs([str(folder)], Pipeline.from_config(), sinks=Sinks(jsonl=single))

    on_ray = tmp_path / "ray.jsonl"
    stats = analyze_with_ray([str(folder)], out=on_ray, workers=2, batch_size=2)

    assert (stats.analysed, stats.duplicates, stats.failed) == (
        expected.analysed,
        expected.duplicates,
        expected.failed,
    )
    assert (stats.analysed, stats.duplicates, stats.failed) == (4, 1, 1)
    ray_docs = [comparable(line) for line in on_ray.read_text(encoding="utf-8").splitlines()]
    single_docs = [comparable(line) for line in single.read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in ray_docs] == [d["id"] for d in single_docs]
    assert ray_docs == single_docs
    assert any(d["relations"] for d in ray_docs)  # the full pipeline ran, not just segmentation


def crash_once_setup(marker: Path, always: bool = False):
    """Registers, in each worker, an analyzer that kills its process on a document saying CRASH."""

    def setup() -> None:
        from narrascope import registry
        from narrascope.analyzers import contracts
        from narrascope.analyzers.base import Analyzer

        class CrashOnce(Analyzer):
            name = "test-crash"
            requires = (contracts.SENTENCES,)

            def process(self, docs) -> None:
                if any("CRASH" in d.text for d in docs) and (always or not marker.exists()):
                    marker.touch()
                    os._exit(1)  # the worker dies mid-batch, like an out-of-memory kill
                for doc in docs:
                    if "POISON" in doc.text:
                        raise ValueError("cannot analyse this one")

        registry.register(CrashOnce)

    return setup


def test_a_killed_worker_does_not_lose_the_run(tmp_path, local_ray):
    folder = corpus(
        tmp_path,
        {"crash.txt": "Bad day\n\nThis one says CRASH.", "poison.txt": "Worse\n\nPOISON here."},
    )
    marker = tmp_path / "crashed"
    out = tmp_path / "out.jsonl"
    stats = analyze_with_ray(
        [str(folder)],
        out=out,
        only=["test-crash"],
        workers=2,
        batch_size=2,
        setup=crash_once_setup(marker),
    )
    assert marker.exists()  # a worker really died
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert "crash.txt" in ids and "talks.txt" in ids
    assert (stats.analysed, stats.duplicates, stats.failed) == (
        4,
        1,
        2,
    )  # poison.txt and empty.txt failed


@pytest.mark.slow
def test_a_document_that_always_kills_its_worker_is_reported(tmp_path, local_ray):
    folder = corpus(tmp_path, {"crash.txt": "Bad day\n\nThis one says CRASH."})
    failures = []
    from narrascope.runner import Callbacks

    stats = analyze_with_ray(
        [str(folder)],
        out=tmp_path / "out.jsonl",
        only=["test-crash"],
        workers=2,
        batch_size=2,
        setup=crash_once_setup(tmp_path / "m", always=True),
        callbacks=Callbacks(failure=failures.append),
    )
    assert stats.analysed == 3
    assert [f.input for f in failures if "worker process died" in f.reason] == [
        str(folder / "crash.txt")
    ]


def test_cli_run_then_rerun_only_analyses_new_or_changed_articles(tmp_path, local_ray):
    """`analyze --engine ray --out DIR --db` first; a rerun skips everything already in the Parquet output."""
    import pyarrow.dataset as ds
    from typer.testing import CliRunner

    from narrascope.cli import app

    folder = corpus(tmp_path)
    config = tmp_path / "light.toml"
    config.write_text('[pipeline]\nanalyzers = ["segmentation", "language"]\n', encoding="utf-8")
    parquet, db = tmp_path / "results", tmp_path / "corpus.duckdb"
    args = [
        "analyze",
        "--engine",
        "ray",
        "--jobs",
        "2",
        "--config",
        str(config),
        str(folder),
        "--out",
        str(parquet),
        "--db",
        str(db),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output  # empty.txt failed
    assert "analysed 3, skipped as duplicate 1, already stored 0, failed 1" in result.output
    table = ds.dataset(str(parquet), format="parquet", partitioning="hive").to_table().to_pylist()
    analysed = {r["id"]: r for r in table if r["status"] == "analysed"}
    assert sorted(analysed) == [
        "copy.txt",
        "strike.txt",
        "talks.txt",
    ]  # sanctions.txt is copy.txt's duplicate
    assert json.loads(analysed["talks.txt"]["result"])["language"]["code"] == "en"
    assert [r["error"] for r in table if r["status"] == "failed"] == ["empty text"]

    (folder / "strike.txt").write_text(
        "Overnight strike\n\nRussia launched drones at Kyiv.", encoding="utf-8"
    )
    (folder / "new.txt").write_text("Fresh\n\nChina and India held border talks.", encoding="utf-8")
    again = analyze_with_ray([str(folder)], parquet=parquet, db=db, config=config, workers=2)
    assert (again.analysed, again.already_stored) == (2, 3)  # talks, copy and sanctions were done

    with Store(db) as store:  # the store and a local rerun agree on what is done
        # the changed article is a new version beside the stored one (ids are never reused)
        assert store.count() == 5 and "missiles" in store.get("strike.txt").text
        (version,) = [i for (i,) in store.query("SELECT article_id FROM articles") if "#" in i]
        assert version.startswith("strike.txt#") and "drones" in store.get(version).text
        local = run_inputs([str(folder)], Pipeline.from_config(config), sinks=Sinks(store=store))
    assert (local.analysed, local.already_stored) == (0, 5)
