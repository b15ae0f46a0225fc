"""`narrascope schema`: the versioned JSON schema of one result document."""

from __future__ import annotations

import json

import typer

from narrascope.cli.app import app


@app.command()
def schema() -> None:
    """Print the JSON schema of the result documents (see docs/schema.md)."""
    from narrascope.document import result_json_schema

    typer.echo(json.dumps(result_json_schema(), indent=2, ensure_ascii=False))
