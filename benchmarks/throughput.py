"""Throughput of the full pipeline against its backbone.

    python benchmarks/throughput.py CORPUS_DIR [--limit N] [--config FILE] [--db FILE]

Reads up to N articles from the folder, runs the configured pipeline over them through the same
run loop as `narrascope analyze` (optionally into a DuckDB store), then encodes the same sentences
with the backbone encoder alone. Prints articles/s, the backbone's own time, their ratio (the
pipeline's overhead beyond the one encoding pass), each analyzer's share of the time, and the
peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from narrascope import Document, Pipeline
from narrascope.analyzers.embeddings import Embeddings
from narrascope.ingest import IngestOptions, iter_documents
from narrascope.runner import Callbacks, Sinks, run
from narrascope.store import Store


def load(corpus: Path, limit: int | None) -> list[Document]:
    docs = (d for d in iter_documents([str(corpus)], IngestOptions()) if isinstance(d, Document))
    return list(itertools.islice(docs, limit))


def time_analyzers(pipeline: Pipeline) -> dict[str, float]:
    """Wrap each analyzer's `process` so the run records the seconds spent in it."""
    spent: dict[str, float] = defaultdict(float)
    for analyzer in pipeline.analyzers:
        def timed(docs, _process=analyzer.process, _name=analyzer.name):
            start = time.perf_counter()
            _process(docs)
            spent[_name] += time.perf_counter() - start
        analyzer.process = timed  # type: ignore[method-assign]
    return spent


def backbone_seconds(pipeline: Pipeline, docs: list[Document]) -> tuple[float, int]:
    """Encode the sentences of `docs` as the embeddings analyzer does (unique per batch), encoder only."""
    embeddings = next((a for a in pipeline.analyzers if isinstance(a, Embeddings)), None)
    encoder = embeddings.encoder if embeddings else Embeddings().encoder
    size = pipeline.config.batch_size
    total, n = 0.0, 0
    for i in range(0, len(docs), size):
        texts = list(dict.fromkeys(d.sentence_text(s) for d in docs[i : i + size] for s in d.sentences))
        start = time.perf_counter()
        encoder.encode(texts)
        total += time.perf_counter() - start
        n += len(texts)
    return total, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--db", type=Path, default=None, help="also write a DuckDB store (a fresh file)")
    args = parser.parse_args()

    docs = load(args.corpus, args.limit)
    if not docs:
        raise SystemExit(f"error: {args.corpus}: no articles")
    start = time.perf_counter()
    pipeline = Pipeline.from_config(args.config)
    loading = time.perf_counter() - start
    spent = time_analyzers(pipeline)
    analysed: list[Document] = []

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.duckdb"
        db.unlink(missing_ok=True)
        with Store(db) as store:
            stats = run(docs, pipeline, Sinks(store=store), Callbacks(document=analysed.append))
            store_rows = store.count()
    encoding, sentences = backbone_seconds(pipeline, analysed)

    chars = sum(len(d.text) for d in analysed)
    print(f"corpus            {args.corpus} ({len(docs)} articles, {chars / max(len(analysed), 1):,.0f} characters on average)")
    print(f"pipeline          {', '.join(pipeline.names)}")
    print(f"model loading     {loading:.1f} s")
    print(f"run               {stats.summary()}")
    print(f"store             {store_rows} articles in DuckDB")
    print(f"throughput        {stats.rate:.2f} articles/s")
    print(f"backbone alone    {encoding:.1f} s for {sentences} sentences ({sentences / max(encoding, 1e-9):.0f} sentences/s, "
          f"{len(analysed) / max(encoding, 1e-9):.2f} articles/s)")
    print(f"ratio             pipeline/backbone = {stats.elapsed / max(encoding, 1e-9):.2f}")
    print("time by analyzer  " + ", ".join(f"{name} {100 * t / stats.elapsed:.0f}%" for name, t in spent.items())
          + f", rest (ingest-free loop, store, JSON) {100 * (stats.elapsed - sum(spent.values())) / stats.elapsed:.0f}%")
    print(f"peak memory       {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB resident (maxrss)")


if __name__ == "__main__":
    main()
