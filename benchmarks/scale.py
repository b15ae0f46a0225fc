"""Scaling: the same corpus in the plain single-process run and on Ray with 1 and 2 workers.

    python benchmarks/scale.py CORPUS_DIR [--n 2000] [--workers 1,2] [--config FILE] [--address ADDR] [--sinks N]

Builds an N-article corpus in a temporary folder from the text files under CORPUS_DIR (sampled
in order and repeated when there are fewer than N; each copy gets a numbered last line so that
deduplication does not skip it), then analyses it once per mode and prints articles/s and the
speed-up over the plain run. Each mode's time includes loading the models (per worker on Ray) but
not starting Ray itself. Nothing is written except the temporary corpus, which is deleted.

`--sinks N` then measures what the single writer on the driver can absorb: N copies of results of
the plain run written to a DuckDB store, appended to partitioned Parquet, and parsed from JSON (what
the driver must do for a store or JSONL output but not for Parquet alone).
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
import time
from pathlib import Path

from narrascope.config import Config
from narrascope.document import Document
from narrascope.pipeline import Pipeline
from narrascope.runner import Callbacks, Sinks, run_inputs

KEPT = 32  # results of the plain run kept for the sink measurement


def build_corpus(source: Path, n: int, target: Path) -> int:
    files = sorted(p for p in source.rglob("*.txt") if p.is_file())
    if not files:
        raise SystemExit(f"no .txt files under {source}")
    for i, path in enumerate(itertools.islice(itertools.cycle(files), n)):
        text = path.read_text(encoding="utf-8", errors="replace").rstrip()
        copy = i // len(files)
        if copy:
            text += f"\n\nCopy {copy} of this article."
        (target / f"{i:06d}-{path.name}").write_text(text + "\n", encoding="utf-8")
    return n


def plain(corpus: Path, config: Config, kept: list[Document]) -> tuple[int, float]:
    def keep(doc: Document) -> None:
        if len(kept) < KEPT:
            kept.append(doc)

    start = time.perf_counter()
    stats = run_inputs(
        [str(corpus)],
        Pipeline.from_config(config),
        sinks=Sinks(),
        callbacks=Callbacks(document=keep),
    )
    return stats.analysed, time.perf_counter() - start


def sink_rates(docs: list[Document], n: int, batch: int = 16) -> dict[str, float]:
    """Articles/s the driver can write to a store, append to Parquet, and parse from result JSON."""
    from narrascope.distributed.rows import document_row, to_table, write_parquet
    from narrascope.store import Store

    copies = []
    for i in range(n):
        doc = docs[i % len(docs)].model_copy(deep=True)
        doc.id, doc.content_hash = f"{doc.id}-{i}", f"{i:032x}"
        copies.append(doc)
    rows = [document_row(i, doc) for i, doc in enumerate(copies)]
    rates = {}
    with tempfile.TemporaryDirectory(prefix="narrascope-sinks-") as tmp:
        start = time.perf_counter()
        with Store(Path(tmp) / "corpus.duckdb") as store:
            for i in range(0, n, batch):
                store.write(copies[i : i + batch])
        rates["DuckDB store"] = n / (time.perf_counter() - start)
        start = time.perf_counter()
        for i in range(0, n, batch):
            write_parquet(to_table(rows[i : i + batch]), Path(tmp) / "results")
        rates["Parquet append"] = n / (time.perf_counter() - start)
    start = time.perf_counter()
    for row in rows:
        Document.model_validate_json(row["result"])
    rates["parsing result JSON"] = n / (time.perf_counter() - start)
    return rates


def on_ray(corpus: Path, config: Config, workers: int, address: str | None) -> tuple[int, float]:
    import ray

    from narrascope.distributed import analyze_with_ray

    if address:
        ray.init(address=address, include_dashboard=False, logging_level="WARNING")
    else:
        ray.init(
            num_cpus=workers,
            include_dashboard=False,
            object_store_memory=512 * 1024**2,
            logging_level="WARNING",
            _system_config={"worker_niceness": 0},
        )  # as the runner starts a local Ray
    try:
        start = time.perf_counter()
        stats = analyze_with_ray([str(corpus)], config=config, workers=workers)
        return stats.analysed, time.perf_counter() - start
    finally:
        ray.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument(
        "--workers", default="1,2", help="Ray worker counts to run, e.g. 1,2,4 (empty: none)"
    )
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument(
        "--address", default=None, help="a running Ray cluster (default: a local instance per mode)"
    )
    parser.add_argument(
        "--sinks",
        type=int,
        default=0,
        help="also measure the driver's sinks with this many results",
    )
    args = parser.parse_args()
    config = Config.load(args.config)

    with tempfile.TemporaryDirectory(prefix="narrascope-scale-") as tmp:
        corpus = Path(tmp)
        build_corpus(args.corpus, args.n, corpus)
        print(
            f"corpus: {args.n} articles from {args.corpus}; {os.cpu_count()} CPUs; analyzers: {', '.join(config.analyzers)}"
        )
        kept: list[Document] = []
        rows: list[tuple[str, int, float]] = [("plain (1 process)", *plain(corpus, config, kept))]
        print(f"  {rows[-1][0]}: {rows[-1][1]} articles in {rows[-1][2]:.1f} s", flush=True)
        for workers in (int(w) for w in args.workers.split(",") if w.strip()):
            rows.append(
                (f"ray, {workers} worker(s)", *on_ray(corpus, config, workers, args.address))
            )
            print(f"  {rows[-1][0]}: {rows[-1][1]} articles in {rows[-1][2]:.1f} s", flush=True)

    base = rows[0][1] / rows[0][2]
    print(f"\n{'mode':<22} {'articles':>8} {'seconds':>8} {'articles/s':>10} {'speed-up':>8}")
    for name, n, seconds in rows:
        rate = n / seconds
        print(f"{name:<22} {n:>8} {seconds:>8.1f} {rate:>10.2f} {rate / base:>7.2f}x")
    if args.sinks:
        print(f"\ndriver sinks, {args.sinks} results in batches of 16:")
        for name, rate in sink_rates(kept, args.sinks).items():
            print(f"  {name:<20} {rate:>8.0f} articles/s")


if __name__ == "__main__":
    main()
