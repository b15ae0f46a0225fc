"""Running the pipeline as Ray Data batch inference.

The driver lists the inputs as work units (`units.py`), Ray Data spreads them in blocks over a
pool of `PipelineActor`s (one per worker, each loading the models once) and streams the result
rows back in input order. The driver is the only writer: per batch it appends the rows to the
partitioned Parquet output, then commits them to the DuckDB store, then writes JSONL, exactly as
the single-process run loop does (`narrascope.runner`), so a rerun resumes from what was stored.

Crashes: Ray restarts a dead actor and retries its task (`max_task_retries` times). A unit whose
batch still never comes back is retried alone in a second pass, so only the input that kills its
worker every time is lost, and it is reported as failed with that reason.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import ray

from narrascope.config import Config
from narrascope.distributed.actor import PipelineActor
from narrascope.distributed.rows import (
    ANALYSED,
    EMPTY,
    FAILED,
    STORED,
    parquet_hashes,
    row_result,
    to_table,
    write_parquet,
)
from narrascope.distributed.units import Unit, plan_units
from narrascope.document import Failure
from narrascope.ingest.options import IngestOptions
from narrascope.runner import Callbacks, RunStats, Sinks, Writer

LOCAL_OBJECT_STORE_BYTES = 512 * 1024**2  # results are small; a local instance needs little


def analyze_with_ray(
    inputs: list[str] | str,
    *,
    out: str | Path | None = None,
    db: str | Path | None = None,
    parquet: str | Path | None = None,
    html: str | Path | None = None,
    config: Config | str | Path | None = None,
    only: list[str] | None = None,
    options: IngestOptions | None = None,
    address: str | None = None,
    workers: int = 2,
    batch_size: int | None = None,
    setup: Callable[[], None] | None = None,
    callbacks: Callbacks | None = None,
) -> RunStats:
    """Analyse `inputs` on Ray into JSONL (`out`), a DuckDB store (`db`) and/or Parquet (`parquet`).

    `address` is None for a new local Ray instance with `workers` CPUs, "auto" or "ray://host:port"
    for a running cluster. Articles whose content is already in `db` or `parquet` are skipped.
    """
    from narrascope.store import Store

    store = Store(db) if db is not None else None
    try:
        sinks = Sinks(
            store=store,
            jsonl=Path(out) if out is not None else None,
            html=Path(html) if html else None,
        )
        return run_with_ray(
            [inputs] if isinstance(inputs, str) else list(inputs),
            sinks,
            callbacks,
            parquet=Path(parquet) if parquet is not None else None,
            config=config,
            only=only,
            options=options,
            address=address,
            workers=workers,
            batch_size=batch_size,
            setup=setup,
        )
    finally:
        if store is not None:
            store.close()


def run_with_ray(
    inputs: list[str],
    sinks: Sinks,
    callbacks: Callbacks | None = None,
    *,
    parquet: Path | None = None,
    config: Config | str | Path | None = None,
    only: list[str] | None = None,
    options: IngestOptions | None = None,
    address: str | None = None,
    workers: int = 2,
    batch_size: int | None = None,
    setup: Callable[[], None] | None = None,
    max_task_retries: int = 3,
) -> RunStats:
    """The run loop of `analyze_with_ray` over open sinks (what `narrascope analyze --engine ray` calls)."""
    cfg = config if isinstance(config, Config) else Config.load(config)
    options = options or IngestOptions(max_chars=cfg.max_chars)
    size = batch_size or cfg.batch_size
    callbacks = callbacks or Callbacks()
    stats = RunStats()
    known = sinks.store.hashes() if sinks.store is not None else set()
    if parquet is not None:
        known |= parquet_hashes(parquet)
    units = [{**unit, "unit": n} for n, unit in enumerate(plan_units(inputs, options))]

    started_here = _connect(address, workers)
    try:
        actor_args = {
            "config": cfg,
            "options": options,
            "only": only,
            "known": [ray.put(known)],
            "setup": setup,
        }
        with Writer(sinks, callbacks, stats) as writer:
            sink = _DriverSink(writer, stats, parquet)
            sink.consume(_results(units, actor_args, workers, size, max_task_retries))
            missing = [u for u in units if u["unit"] not in sink.units_seen]
            if missing:  # their batch was lost with its worker: try each alone
                sink.consume(_results(missing, actor_args, workers, 1, max_task_retries))
                lost = [u for u in missing if u["unit"] not in sink.units_seen]
                reason = (
                    f"worker process died while analysing this input ({max_task_retries} retries)"
                )
                writer.write([Failure(input=u["input"], reason=reason) for u in lost])
            stats.finished = time.perf_counter()
            writer.finish_report()
    finally:
        if started_here:
            ray.shutdown()
    return stats


def _connect(address: str | None, workers: int) -> bool:
    """Join the given cluster, or start a local instance; True when this call started Ray."""
    if ray.is_initialized():
        return False
    common: dict[str, Any] = {"include_dashboard": False, "logging_level": "WARNING"}
    if address:
        ray.init(address=address, **common)
    else:
        # Ray lowers its workers' priority (nice 15) by default: on a busy machine they would then
        # starve behind every other process while doing all of the run's work
        ray.init(
            num_cpus=workers,
            object_store_memory=LOCAL_OBJECT_STORE_BYTES,
            _system_config={"worker_niceness": 0},
            **common,
        )
    return True


def _results(
    units: list[Unit], actor_args: dict[str, Any], workers: int, size: int, retries: int
) -> Iterator[pa.Table]:
    """Result rows of `units`, batch by batch, in input order; blocks whose worker died for good are dropped."""
    if not units:
        return
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.max_errored_blocks = -1  # the driver finds the units they held and retries them
    context.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # the run reports its own progress
    # at least two blocks per worker so every worker gets work; at most `size` units per block
    blocks = min(len(units), max(math.ceil(len(units) / size), 2 * workers))
    dataset = ray.data.from_items(units, override_num_blocks=blocks)
    with warnings.catch_warnings():  # restart options have no named parameter in every Ray version
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*")
        results = dataset.map_batches(
            PipelineActor,
            fn_constructor_kwargs=actor_args,
            batch_size=size,
            batch_format="pyarrow",
            # one unit at a time (the retry pass): no task waits on an actor behind another, so
            # a unit that kills its worker takes no innocent neighbour down with it
            compute=ray.data.ActorPoolStrategy(
                size=workers, max_tasks_in_flight_per_actor=1 if size == 1 else None
            ),
            num_cpus=1,
            max_restarts=-1,
            max_task_retries=retries,
        )
    yield from results.iter_batches(batch_format="pyarrow", batch_size=None)


class _DriverSink:
    """Turns result rows into the run's output: skips in-run duplicates, writes Parquet, then the writer."""

    def __init__(self, writer: Writer, stats: RunStats, parquet: Path | None) -> None:
        self.writer = writer
        self.stats = stats
        self.parquet = parquet
        self.units_seen: set[int] = set()
        self.hashes: set[str] = set()

    def consume(self, tables: Iterator[pa.Table]) -> None:
        for table in tables:
            self.write(table.to_pylist())

    def write(self, rows: list[dict[str, Any]]) -> None:
        keep = []
        for row in rows:
            self.units_seen.add(row["unit"])
            if row["status"] == EMPTY:
                continue
            if row["status"] == STORED:
                self.stats.already_stored += 1
            elif row["status"] == ANALYSED and row["content_hash"] in self.hashes:
                self.stats.duplicates += 1
            else:
                if row["status"] == ANALYSED:
                    self.hashes.add(row["content_hash"])
                keep.append(row)
        if self.parquet is not None:
            write_parquet(to_table(keep), self.parquet)
        if self.needs_documents:
            self.writer.write([r for r in map(row_result, keep) if r is not None])
        else:  # Parquet only: the driver never parses the result documents
            self.stats.analysed += sum(row["status"] == ANALYSED for row in keep)
            self.writer.write([row_result(row) for row in keep if row["status"] == FAILED])  # type: ignore[misc]

    @property
    def needs_documents(self) -> bool:
        sinks = self.writer.sinks
        wanted = (sinks.store, sinks.jsonl, sinks.html, self.writer.callbacks.document)
        return any(sink is not None for sink in wanted)
