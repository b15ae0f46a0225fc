"""What `narrascope analyze --engine ray` calls: the CLI's sinks and options, run on Ray."""

from __future__ import annotations

from pathlib import Path

import typer

from narrascope.config import Config
from narrascope.ingest.options import IngestOptions
from narrascope.runner import Callbacks, RunStats, Sinks

JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")


def is_folder_output(path: Path) -> bool:
    """`--out results/` (a folder, or a name without a JSONL suffix) means a Parquet dataset."""
    return path.is_dir() or path.suffix.lower() not in JSONL_SUFFIXES


def run_cli(
    inputs: list[str],
    config: Config,
    options: IngestOptions,
    sinks: Sinks,
    callbacks: Callbacks,
    *,
    address: str | None,
    workers: int,
    parquet: Path | None,
) -> RunStats:
    """Run on Ray; an `--out` folder becomes the Parquet output instead of a JSONL file."""
    try:
        from narrascope.distributed.ray_runner import run_with_ray
    except ImportError as exc:
        typer.echo(
            f"error: --engine ray needs Ray ({exc}); install it with: pip install 'narrascope[ray]'",
            err=True,
        )
        raise typer.Exit(2) from None
    if isinstance(sinks.jsonl, Path) and is_folder_output(sinks.jsonl):
        if parquet is not None and parquet != sinks.jsonl:
            typer.echo(
                f"error: --out {sinks.jsonl} is a folder and --parquet {parquet} another; give one",
                err=True,
            )
            raise typer.Exit(2)
        parquet, sinks.jsonl = sinks.jsonl, None
    elif parquet is not None and not isinstance(sinks.jsonl, Path):
        sinks.jsonl = None  # with a Parquet output, stdout is not the default output any more
    return run_with_ray(
        inputs,
        sinks,
        callbacks,
        parquet=parquet,
        config=config,
        options=options,
        address=address,
        workers=workers,
    )
