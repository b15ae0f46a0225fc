"""`narrascope predict DATASET`: official-format prediction files for a benchmark split."""

from __future__ import annotations

from pathlib import Path

import typer

from narrascope.cli.app import app
from narrascope.config import Config


@app.command()
def predict(
    dataset: str = typer.Argument(..., help="semeval2025 | semeval2023 | ptc"),
    data: Path = typer.Option(
        ..., "--data", help="The dataset folder (for semeval2023: the language folder)."
    ),
    split: str = typer.Option(..., "--split", help="Split name, e.g. train_dec4, dev, test."),
    lang: str = typer.Option("EN", "--lang", help="Language folder (semeval2025)."),
    out: Path = typer.Option(..., "--out", help="Folder for subtask-N.txt / si.txt / tc.txt."),
    config: Path | None = typer.Option(None, "--config", help="Pipeline config (TOML)."),
    profile: str | None = typer.Option(
        None, "--profile", help="'accurate' (default) or 'fast' (triage; see analyze --help)."
    ),
) -> None:
    """Run the pipeline over a split and write prediction files in the organisers' formats."""
    from narrascope.evaluation.predict import predict as run_predict

    try:
        cfg = Config.load(config, profile) if config or profile else None
        run = run_predict(dataset, data, split, out, lang, cfg)
    except (FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for message in run.messages:
        typer.echo(f"note: {message}", err=True)
    for failure in run.failures:
        typer.echo(f"error: {failure}", err=True)
    for path in run.written.values():
        typer.echo(f"wrote {path}")
    if not run.written:
        typer.echo(
            "error: nothing predicted (no analyzer for any subtask of this dataset)", err=True
        )
        raise typer.Exit(1)
    raise typer.Exit(1 if run.failures else 0)
