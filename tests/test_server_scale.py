"""The dashboard on a large store: every aggregation is SQL, so 100,000 articles stay fast.

`narrascope.server.synthetic` fills a store with DuckDB-generated rows (no pipeline). The default
suite checks 10,000 articles against a generous bound; the slow test measures 100,000 and writes
the latencies to test-artifacts/dashboard-latency.json.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narrascope.pipeline import Pipeline
from narrascope.server import ServerSettings, create_app, synthetic
from narrascope.server.corpus import Corpus, Filters
from narrascope.store import Store

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def _measure(store: Store, repeats: int = 3) -> dict[str, float]:
    """Median seconds of each dashboard query and of the whole dashboard and list pages."""
    corpus = Corpus(store.con)
    by_source = Filters(source="source-03")
    searched = Filters(q="synthetic article 4242")
    window = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 3, 31), technique="Doubt")
    calls = {
        "overview": lambda: corpus.overview(Filters()),
        "choices": corpus.choices,
        "narratives_month_source_all": lambda: corpus.prevalence_views("narratives", Filters()),
        "techniques_month_source_all": lambda: corpus.prevalence_views("techniques", Filters()),
        "roles": lambda: corpus.role_profiles(Filters()),
        "network": lambda: corpus.network(Filters()),
        "list_first_page": lambda: corpus.list_articles(Filters(), limit=50),
        "list_page_1000": lambda: corpus.list_articles(Filters(), limit=50, offset=50_000),
        "list_by_source": lambda: corpus.list_articles(by_source, limit=50),
        "list_text_search": lambda: corpus.list_articles(searched, limit=50),
        "list_date_technique": lambda: corpus.list_articles(window, limit=50),
        "narratives_filtered": lambda: corpus.prevalence_views("narratives", window),
        "languages_narratives": lambda: corpus.language_comparison("narratives", Filters()),
        "languages_relations": lambda: corpus.language_comparison("relations", Filters()),
    }
    app = create_app(
        ServerSettings(), pipeline=Pipeline.from_config(only=["segmentation"]), store=store
    )
    with TestClient(app, base_url="http://127.0.0.1") as client:
        calls["dashboard_page"] = lambda: client.get("/dashboard").raise_for_status()
        calls["dashboard_page_filtered"] = lambda: client.get(
            "/dashboard?source=source-03&technique=Doubt"
        ).raise_for_status()
        calls["articles_page"] = lambda: client.get(
            "/articles?q=synthetic&page=3"
        ).raise_for_status()
        cached = app.state.runtime.corpus
        timings = {}
        for name, call in calls.items():
            samples = []
            for _ in range(repeats):
                corpus.invalidate()
                cached.invalidate()  # measure the queries, not the result cache
                started = time.perf_counter()
                call()
                samples.append(time.perf_counter() - started)
            timings[name] = round(statistics.median(samples), 4)
        client.get("/dashboard").raise_for_status()
        started = time.perf_counter()
        client.get("/dashboard").raise_for_status()
        timings["dashboard_page_cached"] = round(time.perf_counter() - started, 4)
    return timings


@pytest.mark.load
def test_dashboard_on_10k_articles(tmp_path: Path) -> None:
    synthetic.build(tmp_path / "s.duckdb", articles=10_000)
    with Store(tmp_path / "s.duckdb") as store:
        assert store.count() == 10_000
        page = Corpus(store.con).list_articles(Filters(source="source-03"), limit=10)
        assert page.total > 0 and all(item["source"] == "source-03" for item in page.items)
        timings = _measure(store, repeats=1)
    assert max(timings.values()) < 10, timings  # generous: CI machines are shared


@pytest.mark.load
def test_dashboard_on_100k_articles(tmp_path: Path) -> None:
    built = synthetic.build(tmp_path / "s.duckdb", articles=100_000)
    with Store(tmp_path / "s.duckdb") as store:
        timings = _measure(store)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "dashboard-latency.json").write_text(
        json.dumps({"articles": 100_000, "build_s": round(built, 1), "median_s": timings}, indent=2)
    )
    print(f"\nbuilt in {built:.1f} s; median seconds: {json.dumps(timings, indent=1)}")
    assert timings["dashboard_page"] < 5
