"""`narrascope graph`: the actor network of a corpus store as JSON, GraphML or interactive HTML."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from narrascope.cli.app import app
from narrascope.document import RELATION_TYPES as TYPES


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{option} wants a date like 2024-02-24, got {value!r}") from None


@app.command()
def graph(
    db: Path = typer.Option(
        ..., "--db", help="DuckDB corpus store written by `narrascope analyze --db`."
    ),
    fmt: str = typer.Option("html", "--format", "-f", help="json, graphml or html."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output file (default: stdout)."),
    since: str | None = typer.Option(
        None, "--since", help="Only articles published on or after this date."
    ),
    until: str | None = typer.Option(
        None, "--until", help="Only articles published on or before this date."
    ),
    type_: list[str] = typer.Option(
        [], "--type", "-t", help="Relation types to keep (repeatable)."
    ),
    actor: str | None = typer.Option(
        None, "--actor", help="Only edges touching this actor id (e.g. RUS, NATO)."
    ),
    evidence: int = typer.Option(5, "--evidence", min=1, help="Evidence sentences kept per edge."),
    modality: list[str] = typer.Option(
        [],
        "--modality",
        "-m",
        help="Keep only relations of these modalities (repeatable), e.g. -m asserted -m reported.",
    ),
    factual: bool = typer.Option(
        False,
        "--factual",
        help="Only asserted and reported relations (same as -m asserted -m reported).",
    ),
) -> None:
    """Render the actor network of a corpus: edges by relation type, weighted, each with its evidence sentences."""
    from narrascope.graph.formats import FORMATS, render
    from narrascope.graph.store import load_graph

    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
    unknown = [t for t in type_ if t not in TYPES]
    if unknown:
        raise typer.BadParameter(f"unknown relation type(s) {unknown}; known: {', '.join(TYPES)}")
    from narrascope.atomic import atomic_text
    from narrascope.graph.build import FACTUAL, MODALITIES
    from narrascope.store import StoreError

    bad = [m for m in modality if m not in MODALITIES]
    if bad:
        raise typer.BadParameter(f"unknown modality {bad}; known: {', '.join(MODALITIES)}")
    modalities = sorted(set(modality) | (set(FACTUAL) if factual else set()))
    try:
        result = load_graph(
            db,
            _date(since, "--since"),
            _date(until, "--until"),
            list(type_) or None,
            actor.upper() if actor else None,
            evidence,
            modalities or None,
        )
    except StoreError as exc:  # missing, locked by another process, or not a store
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    text = render(result, fmt)
    if out is None:
        typer.echo(text, nl=False)
    else:
        try:
            with atomic_text(out) as handle:
                handle.write(text)
        except OSError as exc:
            typer.echo(f"error: {out}: {exc.strerror or exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"{len(result.nodes)} actors, {len(result.edges)} edges -> {out}", err=True)
