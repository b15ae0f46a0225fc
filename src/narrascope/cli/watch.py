"""`narrascope watch FEEDS.txt`: poll RSS/Atom feeds on a schedule and analyse new entries into a store."""

from __future__ import annotations

from pathlib import Path

import typer

from narrascope.cli.app import app


@app.command()
def watch(
    feeds: Path = typer.Argument(
        ..., help="A text file with one feed URL per line ('#' starts a comment)."
    ),
    db: Path = typer.Option(..., "--db", help="DuckDB corpus store the new articles go into."),
    every: str = typer.Option("15m", "--every", help="Time between polls: e.g. 90s, 15m, 1h."),
    max_backoff: str = typer.Option(
        "6h", "--max-backoff", help="Longest pause for a feed that keeps failing."
    ),
    once: bool = typer.Option(
        False, "--once", help="Poll every feed once and exit (1 if a feed failed)."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="Pipeline config (TOML); default: the packaged one."
    ),
    profile: str | None = typer.Option(
        None, "--profile", help="'accurate' (default) or 'fast' (triage; see analyze --help)."
    ),
    timeout: float = typer.Option(20.0, "--timeout", help="Seconds per HTTP request."),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow URLs on loopback/private/link-local addresses."
    ),
) -> None:
    """Watch feeds: every cycle, analyse the entries not seen before; one log line per feed."""
    from narrascope.config import Config
    from narrascope.ingest import IngestOptions
    from narrascope.pipeline import Pipeline
    from narrascope.store import Store, StoreError
    from narrascope.watch import Watcher, parse_every, read_feed_list, watch_forever

    try:
        interval, backoff = parse_every(every), parse_every(max_backoff)
        urls = read_feed_list(feeds)
        cfg = Config.load(config, profile)
    except (OSError, ValueError) as exc:
        _fail(" ".join(str(exc).split()))
    if not urls:
        _fail(f"{feeds}: no feed URLs")
    pipeline = Pipeline.from_config(cfg)
    try:
        store = Store(db)
    except StoreError as exc:
        _fail(str(exc))
    options = IngestOptions(max_chars=cfg.max_chars, timeout=timeout, allow_private=allow_private)
    watcher = Watcher(urls, pipeline, store, options, every=interval, max_backoff=backoff)
    try:
        if once:
            reports = watcher.cycle()
            raise typer.Exit(1 if any(r.status != "ok" for r in reports) else 0)
        typer.echo(f"watching {len(urls)} feed(s) every {every} into {db}; Ctrl-C stops", err=True)
        watch_forever(watcher)
    except KeyboardInterrupt:
        typer.echo(f"stopped; {store.count()} articles in {db}", err=True)
    finally:
        store.close()


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
