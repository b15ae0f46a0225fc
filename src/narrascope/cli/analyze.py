"""`narrascope analyze`: run the pipeline over inputs and write results."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from narrascope.cli.app import app
from narrascope.document import Failure
from narrascope.pipeline import Pipeline, document_from_text


@app.command()
def analyze(
    inputs: list[str] = typer.Argument(..., help="Text files or '-' for stdin."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write JSONL results here (default: stdout)."),
    config: Path | None = typer.Option(None, "--config", help="Pipeline config (TOML)."),
) -> None:
    """Analyse articles and write one JSON document per article."""
    pipeline = Pipeline.from_config(config)
    docs = []
    for item in inputs:
        text = sys.stdin.read() if item == "-" else Path(item).read_text(encoding="utf-8", errors="replace")
        docs.append(document_from_text(text, id=Path(item).stem if item != "-" else None))
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    failed = 0
    for result in pipeline.run(docs):
        if isinstance(result, Failure):
            failed += 1
            typer.echo(f"error: {result.input}: {result.reason}", err=True)
            continue
        sink.write(result.to_json() + "\n")
    if out:
        sink.close()
    raise typer.Exit(1 if failed else 0)
