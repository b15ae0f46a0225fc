"""Latency of a warm local server: one client, 20 concurrent clients, and a full queue.

    python benchmarks/latency.py [--article FILE] [--chars 3000] [--requests 20] [--clients 20]
        [--per-client 3] [--max-pending 8] [--variant auto|int8|fp32] [--padding fixed|dynamic]
        [--config FILE]

Starts `narrascope serve` on 127.0.0.1 (twice: once with the default queue bound, once with a
small `max_pending` to show the 503 answer), warms it, then measures:

1. one client, `--requests` sequential analyses of the article cut to `--chars` characters:
   p50/p90 latency, against the backbone's own time to encode that article's sentences in this
   process (same encoder settings);
2. `--clients` concurrent clients, `--per-client` requests each: status counts and latencies;
   every answer must be 200;
3. the same load against a server whose queue holds `--max-pending` documents: the excess gets
   503 with `Retry-After`, the rest 200, nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from narrascope.analyzers.segmentation import Segmentation
from narrascope.config import Config, EncoderConfig
from narrascope.encoders import build_encoder, variants
from narrascope.pipeline import document_from_text

ROOT = Path(__file__).resolve().parents[1]
# a 3,200-character op-ed shipped beside the project (cut to --chars)
SAMPLE = ROOT.parent / "shared" / "samples" / "global-security-op-ed.txt"


def article(path: Path, chars: int) -> str:
    """The file's text cut at the last sentence end before `chars` characters."""
    text = path.read_text(encoding="utf-8")[:chars]
    end = max(text.rfind(". "), text.rfind(".\n"))
    return text[: end + 1] if end > chars // 2 else text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(
    folder: Path, encoder: dict[str, str], max_pending: int, base_config: Path | None = None
) -> Path:
    base = (base_config or ROOT / "src" / "narrascope" / "default.toml").read_text(encoding="utf-8")
    for key, value in encoder.items():
        base = base.replace(f'\n{key} = "', f'\n{key} = "{value}"  # was "', 1)
    path = folder / f"latency-{max_pending}.toml"
    path.write_text(base + f"\n[server]\nmax_pending = {max_pending}\n", encoding="utf-8")
    return path


class Server:
    """`narrascope serve` in a child process, ready when /api/health answers."""

    def __init__(self, config: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        command = [sys.executable, "-c", "from narrascope.cli import main; main()"]
        command += ["serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--config", str(config)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("error: the server exited while starting")
            try:
                if httpx.get(self.base + "/api/health", timeout=5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise SystemExit("error: the server did not start within 600 s")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(30)


async def post(client: httpx.AsyncClient, text: str) -> tuple[int, float, str | None]:
    start = time.perf_counter()
    response = await client.post("/api/analyze", json={"text": text})
    return response.status_code, time.perf_counter() - start, response.headers.get("retry-after")


async def sequential(base: str, text: str, n: int) -> list[float]:
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        for _ in range(2):  # warm-up
            await post(client, text)
        times = []
        for _ in range(n):
            status, seconds, _ = await post(client, text)
            if status != 200:
                raise SystemExit(f"error: single-client request answered {status}")
            times.append(seconds)
    return times


async def concurrent(base: str, text: str, clients: int, each: int) -> list[tuple]:
    async def one_client(i: int) -> list[tuple]:
        async with httpx.AsyncClient(base_url=base, timeout=600) as client:
            return [await post(client, f"{text}\n\nUpdate {i}-{k}.") for k in range(each)]

    results = await asyncio.gather(*(one_client(i) for i in range(clients)))
    return [r for rs in results for r in rs]


def backbone_seconds(text: str, encoder_options: dict, repeats: int = 5) -> tuple[float, int]:
    """Median time of encoding the article's sentences alone, with the server's encoder settings."""
    doc = document_from_text(text)
    Segmentation().process([doc])
    sentences = [doc.sentence_text(s) for s in doc.sentences]
    encoder = build_encoder(EncoderConfig(**encoder_options))
    encoder.encode(sentences)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        encoder.encode(sentences)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(sentences)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(results: list[tuple]) -> str:
    counts = Counter(status for status, _, _ in results)
    ok = [s for status, s, _ in results if status == 200]
    latency = f", p50 {statistics.median(ok):.2f} s, p90 {percentile(ok, 0.9):.2f} s" if ok else ""
    return f"{dict(sorted(counts.items()))}{latency}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--article",
        type=Path,
        default=SAMPLE if SAMPLE.is_file() else ROOT / "examples" / "arms-pipeline-op-ed.txt",
    )
    parser.add_argument(
        "--config", type=Path, default=None, help="a pipeline config instead of the packaged one"
    )
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=3)
    parser.add_argument("--max-pending", type=int, default=8)
    parser.add_argument("--variant", choices=variants.VARIANTS, default=None)
    parser.add_argument("--padding", choices=("fixed", "dynamic"), default=None)
    args = parser.parse_args()
    encoder = {k: v for k, v in (("variant", args.variant), ("padding", args.padding)) if v}
    text = article(args.article, args.chars)
    options = Config.load().encoder.model_copy(update=encoder).model_dump()

    print(f"processor         {', '.join(variants.cpu_flags())} ({os.cpu_count()} CPUs)")
    print(f"article           {args.article.name}, {len(text)} characters")
    with tempfile.TemporaryDirectory() as tmp:
        with Server(write_config(Path(tmp), encoder, 256, args.config)) as server:
            times = asyncio.run(sequential(server.base, text, args.requests))
            loaded = asyncio.run(concurrent(server.base, text, args.clients, args.per_client))
        with Server(write_config(Path(tmp), encoder, args.max_pending, args.config)) as server:
            full = asyncio.run(concurrent(server.base, text, args.clients, args.per_client))
    backbone, sentences = backbone_seconds(text, options)
    p50 = statistics.median(times)
    print(
        f"one client        p50 {p50:.3f} s, p90 {percentile(times, 0.9):.3f} s ({args.requests} requests)"
    )
    print(f"backbone alone    {backbone:.3f} s for its {sentences} sentences (median of 5)")
    print(f"ratio             server p50 / backbone = {p50 / backbone:.2f}")
    print(f"{args.clients} clients        {summary(loaded)}  (queue bound 256)")
    print(f"queue full        {summary(full)}  (queue bound {args.max_pending})")
    refused = [r for r in full if r[0] == 503]
    print(f"503 answers       {len(refused)}, all with Retry-After: {all(r[2] for r in refused)}")
    print(f"machine load      {os.getloadavg()[0]:.1f} (1-min load average)")


if __name__ == "__main__":
    main()
