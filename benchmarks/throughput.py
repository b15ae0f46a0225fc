"""Throughput of the full pipeline against its backbone.

    python benchmarks/throughput.py CORPUS_DIR [--limit N] [--config FILE] [--db FILE]
        [--variant auto|int8|fp32] [--padding fixed|dynamic] [--spin-wait on|off]
        [--profile accurate|fast]
    python benchmarks/throughput.py SEMEVAL2025_DIR --lang RU [--limit N]

Reads up to N articles from the folder, runs the configured pipeline over them through the same
run loop as `narrascope analyze` (optionally into a DuckDB store), then encodes the same sentences
with the backbone encoder alone. Prints articles/s, the backbone's own time, their ratio (the
pipeline's overhead beyond the one encoding pass), each analyzer's share of the time, and the
peak resident memory of the process. The processor's capabilities and the backbone variant that
was chosen for it come first. With `--per-language`, the articles are also run again grouped by
detected language (for a mixed folder; never a dataset root, which holds test splits), one line
per language: each language runs only the layers it has models for (see docs/languages.md).
With `--lang XX`, CORPUS_DIR is the SemEval-2025 Task 10 folder and the articles are that
language's `train_dec4` documents (only that training release is ever read).
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from narrascope import Document, Pipeline
from narrascope.config import Config
from narrascope.encoders import build_encoder, variants
from narrascope.ingest import IngestOptions, iter_documents
from narrascope.runner import Callbacks, Sinks, run
from narrascope.store import Store


def train_dec4(root: Path, lang: str) -> Path:
    """A language's training documents in the SemEval-2025 Task 10 folder (never a test split)."""
    folder = root / lang.upper() / "train_dec4" / "raw-documents"
    if not folder.is_dir():
        raise SystemExit(f"error: {folder}: no such folder")
    return folder


def load(corpus: Path, limit: int | None) -> list[Document]:
    docs = (d for d in iter_documents([str(corpus)], IngestOptions()) if isinstance(d, Document))
    return list(itertools.islice(docs, limit))


class Clock:
    """Wall time and CPU time (all threads of this process) together.

    On a busy shared machine wall time mostly measures the other processes; CPU time is what
    this process itself spent, so ratios of CPU times are the steadier comparison.
    """

    def __init__(self, own_thread: bool = False) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        # a step that runs beside the others (`Analyzer.runs_beside`) is timed in its own thread
        self._cpu_time = time.thread_time if own_thread else time.process_time

    def __enter__(self) -> Clock:
        self._start = (time.perf_counter(), self._cpu_time())
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall += time.perf_counter() - self._start[0]
        self.cpu += self._cpu_time() - self._start[1]


def time_analyzers(pipeline: Pipeline) -> dict[str, Clock]:
    """Wrap each analyzer's `process` so the run records the time spent in it."""
    clocks: dict[str, Clock] = {a.name: Clock(own_thread=a.runs_beside) for a in pipeline.analyzers}
    for analyzer in pipeline.analyzers:

        def timed(docs, _process=analyzer.process, _name=analyzer.name):
            with clocks[_name]:
                _process(docs)

        analyzer.process = timed  # type: ignore[method-assign]
    return clocks


def backbone_encoder(pipeline: Pipeline):
    """The pipeline's one encoder (built from its `[encoder]` section when no analyzer uses one)."""
    return pipeline.encoder or build_encoder(pipeline.config.encoder)


def backbone_time(pipeline: Pipeline, docs: list[Document]) -> tuple[Clock, int]:
    """Encode the sentences of `docs` as the embeddings analyzer does (unique per batch), encoder only."""
    encoder = backbone_encoder(pipeline)
    size = pipeline.config.batch_size
    clock, n = Clock(), 0
    for i in range(0, len(docs), size):
        texts = list(
            dict.fromkeys(d.sentence_text(s) for d in docs[i : i + size] for s in d.sentences)
        )
        with clock:
            encoder.encode(texts)
        n += len(texts)
    return clock, n


def per_language(pipeline: Pipeline, docs: list[Document]) -> None:
    """Articles/s of the pipeline on each detected language's articles, run separately."""
    from narrascope.analyzers.language import LanguageDetection

    LanguageDetection().process(docs)
    groups: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        groups[doc.language.code if doc.language else "?"].append(doc)
    for code, group in sorted(groups.items()):
        copies = [Document(id=d.id, text=d.text, title=d.title, language=d.language) for d in group]
        with Clock() as clock:
            run(copies, pipeline, Sinks(), Callbacks())
        skipped = sorted({layer for d in copies for layer in d.unavailable})
        print(
            f"language {code:<8} {len(group)} articles: {len(group) / clock.wall:.2f} articles/s wall, "
            f"{len(group) / clock.cpu:.2f} per CPU-second; unavailable: {', '.join(skipped) or 'none'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument(
        "--profile", choices=("accurate", "fast"), default=None, help="a packaged profile"
    )
    parser.add_argument(
        "--db", type=Path, default=None, help="also write a DuckDB store (a fresh file)"
    )
    parser.add_argument("--variant", choices=variants.VARIANTS, default=None)
    parser.add_argument("--padding", choices=("fixed", "dynamic"), default=None)
    parser.add_argument(
        "--spin-wait",
        choices=("on", "off"),
        default=None,
        help="ONNX Runtime's busy-waiting threads",
    )
    parser.add_argument("--per-language", action="store_true", help="also time each language")
    parser.add_argument(
        "--lang", default=None, help="read CORPUS/<LANG>/train_dec4/raw-documents (SemEval-2025)"
    )
    args = parser.parse_args()
    if args.lang:
        args.corpus = train_dec4(args.corpus, args.lang)
    config = Config.load(args.config, args.profile)
    overrides: dict[str, object] = {
        k: v for k, v in (("variant", args.variant), ("padding", args.padding)) if v
    }
    if args.spin_wait:
        overrides["spin_wait"] = args.spin_wait == "on"
    config.encoder = config.encoder.model_copy(update=overrides)

    docs = load(args.corpus, args.limit)
    if not docs:
        raise SystemExit(f"error: {args.corpus}: no articles")
    start = time.perf_counter()
    pipeline = Pipeline.from_config(config)
    loading = time.perf_counter() - start
    clocks = time_analyzers(pipeline)
    analysed: list[Document] = []

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.duckdb"
        db.unlink(missing_ok=True)
        with Store(db) as store, Clock() as total:
            stats = run(docs, pipeline, Sinks(store=store), Callbacks(document=analysed.append))
        with Store(db, read_only=True) as store:
            store_rows = store.count()
    backbone, sentences = backbone_time(pipeline, analysed)

    n = len(analysed)
    chars = sum(len(d.text) for d in analysed)
    beside = {a.name for a in pipeline.analyzers if a.runs_beside}
    in_line = {name: c for name, c in clocks.items() if name not in beside}
    rest = Clock()
    rest.wall = total.wall - sum(c.wall for c in in_line.values())
    rest.cpu = total.cpu - sum(c.cpu for c in in_line.values())
    shares = {**in_line, "store, JSON, loop and waiting": rest}
    print(
        f"corpus            {args.corpus} ({n} articles, {chars / max(n, 1):,.0f} characters on average)"
    )
    encoder = backbone_encoder(pipeline)
    print(f"processor         {', '.join(variants.cpu_flags())} ({os.cpu_count()} CPUs)")
    print(
        f"backbone          {encoder.name}, variant {getattr(encoder, 'variant', '-')} "
        f"(asked: {config.encoder.variant}), padding {getattr(encoder, 'padding', '-')}, "
        f"spin-wait {'on' if getattr(encoder, 'spin_wait', False) else 'off'}"
    )
    print(f"pipeline          {', '.join(pipeline.names)} (profile {config.profile})")
    if pipeline.omitted:
        print(f"unavailable       {', '.join(pipeline.omitted)} (not in this profile)")
    print(f"model loading     {loading:.1f} s")
    print(f"run               {stats.summary()}")
    print(f"store             {store_rows} articles in DuckDB")
    print(
        f"throughput        {n / total.wall:.2f} articles/s wall, {n / total.cpu:.2f} articles per CPU-second"
    )
    print(
        f"backbone alone    {sentences} sentences in {backbone.wall:.1f} s wall, {backbone.cpu:.1f} s CPU "
        f"({n / backbone.wall:.2f} articles/s wall, {n / backbone.cpu:.2f} per CPU-second)"
    )
    print(
        f"ratio             pipeline/backbone = {total.wall / backbone.wall:.2f} (wall), {total.cpu / backbone.cpu:.2f} (CPU)"
    )
    print(
        "time by step      "
        + ", ".join(
            f"{name} {100 * c.wall / total.wall:.0f}%/{100 * c.cpu / total.cpu:.0f}%"
            for name, c in shares.items()
        )
        + "  (wall/CPU)"
    )
    for name in sorted(beside):
        print(
            f"beside            {name} ran in a second thread: {clocks[name].wall:.1f} s wall, "
            f"{clocks[name].cpu:.1f} s CPU of its own, overlapping the steps after it "
            "(their CPU shares include it while it runs)"
        )
    print(
        f"peak memory       {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB resident (maxrss)"
    )
    print(f"machine load      {os.getloadavg()[0]:.1f} (1-min load average, {os.cpu_count()} CPUs)")
    if args.per_language:
        per_language(pipeline, docs)


if __name__ == "__main__":
    main()
