"""The typer application every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="narrascope",
    help="What news about international security claims happens between states, and how it tells it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """narrascope: relations between states, narratives, roles and persuasion in security news."""
