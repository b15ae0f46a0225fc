"""`narrascope export`: one table of a corpus store as JSONL, CSV or Parquet."""

from __future__ import annotations

from pathlib import Path

import typer

from narrascope.cli.app import app


@app.command()
def export(
    db: Path = typer.Option(..., "--db", help="The DuckDB corpus store written by `analyze --db`."),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl, csv or parquet."),
    out: Path = typer.Option(..., "--out", "-o", help="File to write."),
    table: str = typer.Option(
        "articles",
        "--table",
        "-t",
        help="articles (full results in JSONL) or a layer table: entities, relations, narratives, ...",
    ),
    raw: bool = typer.Option(
        False,
        "--raw",
        help="csv: write cells as stored; by default a cell starting with = + - @ (a formula to a "
        "spreadsheet) gets a leading apostrophe.",
    ),
) -> None:
    """Export a table of the corpus store (DuckDB COPY for csv and parquet)."""
    from narrascope.store import EXPORT_FORMATS, Store, StoreError

    if fmt not in EXPORT_FORMATS:
        typer.echo(f"error: --format {fmt}: use one of {', '.join(EXPORT_FORMATS)}", err=True)
        raise typer.Exit(2)
    try:
        with Store(db, read_only=True) as store:
            rows = store.export(out, fmt, table, raw=raw)
    except (StoreError, ValueError, OSError) as exc:
        typer.echo(f"error: {' '.join(str(exc).split())}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {rows} rows of {table} to {out}", err=True)
