"""One long text cannot hold the analysis thread: each analysis runs under a time budget."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from narrascope.budget import OverBudget, check, time_budget
from narrascope.pipeline import Pipeline
from narrascope.server import ServerSettings, create_app
from test_server_support import live_server

PARAGRAPH = (
    "Russia supplied drones to Iran, officials in Kyiv said on Tuesday. The United States "
    "condemned the transfer and threatened new sanctions against Tehran."
)


def long_article(chars: int) -> str:
    parts = ["Drone deliveries continue"]
    while sum(map(len, parts)) < chars:
        parts.append(f"{PARAGRAPH} (Report {len(parts)}.)")
    return "\n\n".join(parts)


def test_budget_is_per_thread_and_nested_budgets_restore():
    with time_budget(0.0):
        time.sleep(0.01)
        with pytest.raises(OverBudget, match="time budget of 0 s"):
            check()
        seen: list[Exception] = []
        other = threading.Thread(target=lambda: seen.extend([]) or check())
        other.start()
        other.join()  # another thread has no budget: no exception there
        with time_budget(None):
            check()
    check()


@pytest.fixture(scope="module")
def parser_pipeline() -> Pipeline:
    return Pipeline.from_config(only=["entities"])


def test_long_text_gets_504_and_other_clients_are_served(parser_pipeline):
    settings = ServerSettings(analysis_timeout=1.0)
    with live_server(create_app(settings, pipeline=parser_pipeline)) as url:
        results: dict[str, httpx.Response] = {}
        timings: dict[str, float] = {}

        def post(name: str, text: str) -> None:
            start = time.monotonic()
            results[name] = httpx.post(f"{url}/api/analyze", json={"text": text}, timeout=120)
            timings[name] = time.monotonic() - start

        attacker = threading.Thread(target=post, args=("long", long_article(190_000)))
        attacker.start()
        time.sleep(0.3)  # the long text is being analysed when the short one arrives
        post("short", long_article(400))
        attacker.join()
        long, short = results["long"], results["short"]
        assert long.status_code == 504, long.text
        assert "time budget of 1 s" in long.json()["error"]
        assert "analysis_timeout" in long.json()["error"]
        assert short.status_code == 200, short.text
        assert short.json()["entities"], "the short article was analysed"
        # stopped at the next check after the budget, not after the whole parse
        assert timings["long"] < 60, timings
        # and the server is free again
        again = httpx.post(f"{url}/api/analyze", json={"text": long_article(300)}, timeout=60)
        assert again.status_code == 200


def test_without_budget_the_same_text_is_analysed(parser_pipeline):
    doc = parser_pipeline.analyze(long_article(60_000))
    assert doc.entities and doc.check_offsets() == []
