"""A bounded load test: 50 concurrent analyse requests on 127.0.0.1 with the default pipeline.

Requests queue in the server's analysis queue and are analysed in batches; none may fail.
Latencies (p50/p99) are printed and written to test-artifacts/load.json.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from pathlib import Path

import httpx
import pytest

from narrascope.pipeline import Pipeline
from narrascope.server import ServerSettings, create_app
from test_server_support import live_server

pytestmark = pytest.mark.load

CONCURRENT = 50
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def _text(i: int) -> str:
    return (
        f"Dispatch {i}: new deliveries reported\n\n"
        f"Iran delivered {i + 10} drones to Russia last month, officials in Kyiv said. "
        "The European Union condemned the transfer and promised new sanctions."
    )


async def _fire(base: str) -> list[tuple[int, float]]:
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:

        async def one(i: int) -> tuple[int, float]:
            start = time.perf_counter()
            response = await client.post("/api/analyze", json={"text": _text(i)})
            return response.status_code, time.perf_counter() - start

        return await asyncio.gather(*(one(i) for i in range(CONCURRENT)))


def test_fifty_concurrent_analyses(pipeline: Pipeline) -> None:
    app = create_app(ServerSettings(), pipeline=pipeline)
    with live_server(app) as base:
        httpx.post(
            base + "/api/analyze", json={"text": _text(-1)}, timeout=120
        ).raise_for_status()  # warm-up
        started = time.perf_counter()
        results = asyncio.run(_fire(base))
        wall = time.perf_counter() - started
    statuses = [status for status, _ in results]
    latencies = sorted(seconds for _, seconds in results)
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
    report = {
        "requests": CONCURRENT,
        "errors": sum(s != 200 for s in statuses),
        "wall_s": round(wall, 2),
        "p50_s": round(p50, 3),
        "p99_s": round(p99, 3),
        "analyzers": pipeline.names,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(report, indent=2))
    print(f"\nload: {report}")
    assert statuses == [200] * CONCURRENT
    assert wall < 120
