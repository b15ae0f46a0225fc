"""`narrascope serve`: the web app and REST API over one pipeline and an optional corpus store."""

from __future__ import annotations

from pathlib import Path

import typer

from narrascope.cli.app import app


@app.command()
def serve(
    db: Path | None = typer.Option(
        None,
        "--db",
        help="Corpus store (DuckDB file) for the dashboard, article list and storing results.",
    ),
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on (anything but loopback needs an API token).",
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    config: Path | None = typer.Option(
        None,
        "--config",
        help="Pipeline config (TOML); its 'server' table sets limits and the token.",
    ),
) -> None:
    """Serve the web app, the corpus dashboard and the REST API (docs at /docs)."""
    import uvicorn

    from narrascope.server import create_app
    from narrascope.server.settings import TOKEN_ENV, ServerSettings, is_loopback
    from narrascope.store import StoreError

    try:
        settings = ServerSettings.load(config=config, db=db)
    except (OSError, ValueError, TypeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if settings.token is None:
        if not is_loopback(host):
            typer.echo(
                f"error: refusing to listen on {host} without an API token: anyone who can reach it could write "
                f"to the corpus. Set {TOKEN_ENV} (or token in the config's [server] table), or use --host 127.0.0.1.",
                err=True,
            )
            raise typer.Exit(2)
        typer.echo(
            f"no API token configured ({TOKEN_ENV}): writes are open, so the server listens on loopback only ({host}).",
            err=True,
        )
    try:
        web = create_app(settings)
    except StoreError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"narrascope on http://{host}:{port}/  (API docs: /docs; corpus: {db or 'none, start with --db to keep results'})",
        err=True,
    )
    uvicorn.run(web, host=host, port=port, log_level="info", timeout_graceful_shutdown=5)
