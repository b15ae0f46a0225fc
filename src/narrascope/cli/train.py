"""`narrascope train TASK --data DIR`: rebuild a shipped model from its labelled data."""

from __future__ import annotations

from pathlib import Path

import typer

from narrascope import training
from narrascope.cli.app import app


@app.command()
def train(
    task: str = typer.Argument(
        ..., help="What to train: see `narrascope train --help` for the list."
    ),
    data: Path = typer.Option(..., "--data", help="The labelled data folder."),
    out: Path | None = typer.Option(
        None, "--out", help="Model folder to write (default: the packaged model)."
    ),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Train a model deterministically and write its weights and model card."""
    try:
        trainer = training.get_trainer(task)
    except KeyError as exc:
        typer.echo(f"error: {exc.args[0]}", err=True)
        raise typer.Exit(2) from None
    if not data.exists():
        typer.echo(f"error: {data}: no such data folder", err=True)
        raise typer.Exit(2)
    target = out or Path(__file__).resolve().parents[1] / "models" / task
    path = trainer(data, target, exclude_ids=None, seed=seed)
    typer.echo(f"wrote {path}")
