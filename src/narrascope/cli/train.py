"""`narrascope train TASK --data DIR`: rebuild a shipped model from its labelled data."""

from __future__ import annotations

from pathlib import Path

import typer

from narrascope import training
from narrascope.cli.app import app


def _inside_installed_package(out: Path) -> bool:
    """True for a folder inside an installed (site-packages) narrascope: never overwrite it."""
    package = Path(__file__).resolve().parents[1]
    installed = any(part in {"site-packages", "dist-packages"} for part in package.parts)
    return installed and out.resolve().is_relative_to(package)


@app.command()
def train(
    task: str = typer.Argument(
        ..., help="What to train: see `narrascope train --help` for the list."
    ),
    data: Path = typer.Option(..., "--data", help="The labelled data folder."),
    out: Path = typer.Option(
        ...,
        "--out",
        help='Model package folder to write; use it with [analyzers.TASK] model = "DIR".',
    ),
    seed: int = typer.Option(0, "--seed"),
    profile: str = typer.Option(
        "accurate",
        "--profile",
        help="Train on this profile's backbone ('accurate' or 'fast'), for its pipeline.",
    ),
) -> None:
    """Train a model deterministically and write it as a model package (weights, meta.json, card)."""
    try:
        trainer = training.get_trainer(task)
    except KeyError as exc:
        typer.echo(f"error: {exc.args[0]}", err=True)
        raise typer.Exit(2) from None
    if not data.exists():
        typer.echo(f"error: {data}: no such data folder", err=True)
        raise typer.Exit(2)
    if _inside_installed_package(out):
        typer.echo(
            f"error: {out} is inside the installed narrascope package; write the model "
            "somewhere else and point the config at it",
            err=True,
        )
        raise typer.Exit(2)
    from narrascope.config import Config, ConfigError
    from narrascope.training.vectors import use_profile

    try:
        Config.load(profile=profile)
    except ConfigError as exc:
        typer.echo(f"error: --profile: {exc}", err=True)
        raise typer.Exit(2) from None
    with use_profile(profile):
        path = trainer(data, out, exclude_ids=None, seed=seed)
    typer.echo(f"wrote {path}")
