"""`narrascope analyze`: run the pipeline over inputs into JSONL, a corpus store and/or an HTML report.

A thin shell over `narrascope.runner`: it parses options, shows progress and a readable summary
on stderr (stdout stays clean for JSONL), and sets the exit status (1 if any input failed).
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from narrascope.cli.app import app
from narrascope.config import Config
from narrascope.document import Document, Failure
from narrascope.runner import Callbacks, RunError, RunStats, Sinks, print_failure, run_inputs

if TYPE_CHECKING:
    from narrascope.ingest import IngestOptions

ARTICLE_SUMMARIES = 3  # runs with at most this many articles get a per-article summary
TOP = 5


@app.command()
def analyze(
    inputs: list[str] = typer.Argument(
        ..., help="Files, folders, JSONL/CSV, http(s) URLs, RSS/Atom feeds, or '-' for stdin."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Write JSONL results here (default: stdout, unless --db or --html).",
    ),
    db: Path | None = typer.Option(
        None, "--db", help="DuckDB corpus store; a rerun skips articles already stored."
    ),
    update: bool = typer.Option(
        False,
        "--update",
        help="With --db: a changed article replaces the stored one of the same id "
        "(default: it is stored as a new version, ID#HASH).",
    ),
    html: Path | None = typer.Option(
        None, "--html", help="Write a self-contained HTML report here."
    ),
    jobs: int = typer.Option(
        1, "--jobs", "-j", min=1, help="Worker processes (each loads the models once)."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="Pipeline config (TOML); default: the packaged one."
    ),
    profile: str | None = typer.Option(
        None,
        "--profile",
        help="'accurate' (default: every layer) or 'fast' (triage: static embeddings, actors, "
        "narratives; the other layers are marked unavailable).",
    ),
    glob: str | None = typer.Option(
        None, "--glob", help="File patterns inside folders, e.g. '*.txt|*.html'."
    ),
    text_field: str | None = typer.Option(
        None, "--text-field", help="JSONL/CSV field with the article text."
    ),
    title_field: str | None = typer.Option(
        None, "--title-field", help="JSONL/CSV field with the title."
    ),
    date_field: str | None = typer.Option(
        None, "--date-field", help="JSONL/CSV field with the publication date."
    ),
    source_field: str | None = typer.Option(
        None, "--source-field", help="JSONL/CSV field with the source."
    ),
    url_field: str | None = typer.Option(None, "--url-field", help="JSONL/CSV field with the URL."),
    id_field: str | None = typer.Option(
        None, "--id-field", help="JSONL/CSV field with the article id."
    ),
    max_chars: int | None = typer.Option(
        None, "--max-chars", help="Refuse longer texts (default: the config's limit, 2,000,000)."
    ),
    timeout: float | None = typer.Option(None, "--timeout", help="Seconds per HTTP request."),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow URLs on loopback/private/link-local addresses."
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Only errors on stderr: no progress or summaries."
    ),
    engine: str = typer.Option(
        "local",
        "--engine",
        help="'local' (this machine) or 'ray' (Ray Data; pip install narrascope[ray]).",
    ),
    address: str | None = typer.Option(
        None,
        "--address",
        help="With --engine ray: 'auto' or ray://HOST:PORT (default: a local Ray).",
    ),
    parquet: Path | None = typer.Option(
        None,
        "--parquet",
        help="With --engine ray: Parquet results folder, partitioned by date/source.",
    ),
) -> None:
    """Analyse articles: one JSON document per article, with every layer and its offsets."""
    from narrascope.ingest import IngestOptions
    from narrascope.pipeline import Pipeline
    from narrascope.store import Store, StoreError

    console = Console(stderr=True, quiet=quiet)
    if engine not in ("local", "ray"):
        _fail(f"--engine {engine}: use 'local' or 'ray'")
    try:
        cfg = Config.load(config, profile)
        fields = {
            "glob": glob,
            "text_field": text_field,
            "title_field": title_field,
            "date_field": date_field,
            "source_field": source_field,
            "url_field": url_field,
            "id_field": id_field,
            "timeout": timeout,
        }
        options = IngestOptions(
            max_chars=max_chars or cfg.max_chars,
            allow_private=allow_private,
            **{k: v for k, v in fields.items() if v is not None},
        )
    except (OSError, ValueError, ValidationError) as exc:
        _fail(f"{config or 'options'}: {_one_line(exc)}")
    _check_before_loading(inputs, out, html)
    try:  # before the models load: a locked store fails at once
        store = Store(db) if db else None
    except StoreError as exc:
        _fail(str(exc))
    try:
        with console.status("loading models", spinner="dots"):
            pipeline = Pipeline.from_config(cfg)
    except (KeyError, ValueError, OSError, ImportError) as exc:
        if store is not None:
            store.close()
        _fail(f"{config or 'default config'}: cannot build the pipeline: {_one_line(exc)}")
    sinks = Sinks(
        store=store, jsonl=out or (None if db or html else sys.stdout), html=html, update=update
    )
    shown = _FewArticles(ARTICLE_SUMMARIES)
    progress = _Progress(console, lambda: expected_articles(inputs, options))
    callbacks = Callbacks(progress=progress.update, document=shown.add)
    try:
        with stop_on_sigterm(), progress:
            if engine == "ray":  # Ray is imported only on this path
                from narrascope.distributed.cli_support import run_cli

                stats = run_cli(
                    inputs,
                    cfg,
                    options,
                    sinks,
                    callbacks,
                    address=address,
                    workers=jobs,
                    parquet=parquet,
                )
            else:
                stats = run_inputs(inputs, pipeline, options, sinks, callbacks, jobs=jobs)
    except KeyboardInterrupt:
        stored = f"; {store.count()} articles in {db}, rerun to resume" if store else ""
        typer.echo(f"interrupted{stored}", err=True)
        raise typer.Exit(130) from None
    except RunError as exc:
        typer.echo(f"error: {_one_line(exc)}", err=True)
        raise typer.Exit(1) from None
    except (OSError, duckdb.Error) as exc:  # an output that cannot be written stops the run
        where = getattr(exc, "filename", None) or db or "output"
        typer.echo(f"error: {where}: {_one_line(exc)}", err=True)
        raise typer.Exit(1) from None
    finally:
        if store is not None:
            store.close()

    for doc in shown.docs:
        print_article(console, doc)
    _print_run(console, stats, out, db, html)
    raise typer.Exit(1 if stats.failed else 0)


def _check_before_loading(inputs: list[str], out: Path | None, html: Path | None) -> None:
    """Fail in a moment, before any model loads, when no input can be read or the results
    file cannot be created; existing output files are left as they are."""
    from narrascope.ingest import input_problem

    if out is not None and not out.parent.is_dir():
        typer.echo(f"error: {out}: [Errno 2] No such file or directory: '{out}'", err=True)
        raise typer.Exit(1)
    problems = [(item, input_problem(item)) for item in inputs]
    if not all(reason for _, reason in problems):
        return  # readable inputs go on; unreadable ones fail one by one in the run
    for item, reason in problems:
        print_failure(Failure(input=item, reason=reason or ""))
    kept = [str(p) for p in (out, html) if p is not None and p.exists()]
    typer.echo(
        "nothing to analyse" + (f"; {', '.join(kept)} left unchanged" if kept else ""), err=True
    )
    raise typer.Exit(1)


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM stops a run as Ctrl-C does: batches in flight are dropped, worker processes are
    stopped, what was committed stays (the default action would leave the workers running)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _one_line(exc: BaseException) -> str:
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    return " ".join(text.split())


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


class _FewArticles:
    """The run's articles, kept only while there are at most `limit` of them (for their summaries)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.docs: list[Document] = []
        self.overflow = False

    def add(self, doc: Document) -> None:
        if self.overflow:
            return
        self.docs.append(doc)
        if len(self.docs) > self.limit:
            self.docs.clear()
            self.overflow = True


def expected_articles(inputs: list[str], options: IngestOptions) -> int | None:
    """How many articles the inputs hold, when a directory listing tells: local text and HTML files only.

    Records files, feeds, URLs and stdin hold an unknown number of articles: then None.
    """
    from narrascope.ingest.files import file_kind, walk

    total = 0
    for item in inputs:
        path = Path(item)
        if item == "-" or "://" in item:
            return None
        files = (
            [p for p, _ in walk(path, options.glob)]
            if path.is_dir()
            else [path]
            if path.is_file()
            else []
        )
        if any(file_kind(f) not in ("text", "html") for f in files):
            return None
        total += max(len(files), 1)  # a missing path or an empty folder is one failure
    return total


class _Progress:
    """A rich progress display on a terminal's stderr, started once a run reaches its second article.

    `count` gives the number of articles to expect (None when unknown); it is called only when
    the bar is about to be shown, so runs without a terminal never list folders twice.
    """

    def __init__(self, console: Console, count: Callable[[], int | None]) -> None:
        self.console = console
        self.count = count
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, stats: RunStats) -> None:
        if self.console.quiet or not self.console.is_terminal or stats.seen < 2:
            return
        if self.bar is None or self.task is None:
            total = self.count()
            columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn()]
            if total is not None:
                columns += [MofNCompleteColumn(), TimeRemainingColumn()]
            self.bar = Progress(*columns, TimeElapsedColumn(), console=self.console, transient=True)
            self.task = self.bar.add_task("", total=total)
            self.bar.start()
        skipped = stats.duplicates + stats.already_stored
        self.bar.update(
            self.task,
            completed=stats.seen,
            description=f"analysed {stats.analysed}  skipped {skipped}  failed {stats.failed}  {stats.rate:.1f}/s",
        )


def _print_run(
    console: Console, stats: RunStats, out: Path | None, db: Path | None, html: Path | None
) -> None:
    # without an analysed article no output file was replaced (runner.Writer)
    files = [("results", out), ("report", html)] if stats.analysed else []
    written = [f"{label} {path}" for label, path in (*files, ("store", db)) if path]
    console.print(f"[bold]{stats.summary()}[/bold]", highlight=False, soft_wrap=True)
    if written:
        console.print(escape("wrote " + ", ".join(written)), highlight=False, soft_wrap=True)
    kept = [str(p) for p in (out, html) if p is not None and not stats.analysed and p.exists()]
    if kept:
        console.print(
            escape(f"nothing analysed: {', '.join(kept)} left unchanged"),
            highlight=False,
            soft_wrap=True,
        )


# --- the readable summary of one article ------------------------------------------------------


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def layer_counts(doc: Document) -> dict[str, int]:
    """How many items each layer holds (0 for layers the pipeline did not fill)."""
    techniques = doc.techniques
    return {
        "paragraphs": len(doc.paragraphs),
        "sentences": len(doc.sentences),
        "entity mentions": len(doc.entities),
        "actor mentions": len(doc.actors),
        "relations": len(doc.relations),
        "claims": len(doc.claims),
        "role profiles": len(doc.roles),
        "narratives": len(doc.narratives.narratives) if doc.narratives else 0,
        "subnarratives": len(doc.narratives.subnarratives) if doc.narratives else 0,
        "technique spans": len(techniques.spans) if techniques else 0,
        "frames": len(doc.frames.labels) if doc.frames else 0,
    }


def top_items(doc: Document, top: int = TOP) -> list[tuple[str, str]]:
    """(layer, one line) for the most telling items of every filled layer."""
    rows: list[tuple[str, str]] = []
    if doc.genre:
        rows.append(("genre", f"{doc.genre.label} ({doc.genre.score:.2f})"))
    if doc.frames and doc.frames.labels:
        rows.append(("frames", ", ".join(doc.frames.labels[:top])))
    if doc.narratives:
        for n in sorted(
            [*doc.narratives.narratives, *doc.narratives.subnarratives], key=lambda n: -n.score
        )[:top]:
            rows.append((n.level, f"{n.label} ({n.score:.2f})"))
        if doc.narratives.candidates and not any(
            n.label != "Other" for n in doc.narratives.narratives
        ):
            closest = ", ".join(f"{c.label} ({c.score:.2f})" for c in doc.narratives.candidates[:2])
            rows.append(("closest", closest))
        if doc.narratives.explanation:
            rows.append(("explanation", _short(doc.narratives.explanation.text, 100)))
    for profile in doc.roles[:top]:
        fine = ", ".join(r.label for r in profile.fine_roles[:2])
        rows.append(
            ("role", f"{profile.entity}: {profile.main_role}" + (f" ({fine})" if fine else ""))
        )
    for rel in sorted(doc.relations, key=lambda r: -r.confidence)[:top]:
        obj = f" [{rel.object}]" if rel.object.strip() else ""
        rows.append(("relation", f"{rel.source} —{rel.type}→ {rel.target}{obj}, {rel.modality}"))
    kinds = Counter(c.kind for c in doc.claims)
    if kinds:
        rows.append(("claims", ", ".join(f"{n} {k}" for k, n in kinds.most_common())))
    spans = doc.techniques.spans if doc.techniques else []
    for span in sorted(spans, key=lambda s: -s.score)[:top]:
        rows.append(("technique", f"{span.technique}: “{_short(span.text, 60)}”"))
    mentions = Counter((e.entity, e.label) for e in doc.entities)
    if mentions:
        rows.append(
            (
                "entities",
                ", ".join(f"{name} ({label}) ×{n}" for (name, label), n in mentions.most_common(8)),
            )
        )
    return rows


def print_article(console: Console, doc: Document) -> None:
    language = f"{doc.language.code} ({doc.language.score:.2f})" if doc.language else "?"
    console.print(f"\n[bold]{escape(_short(doc.title or doc.id, 100))}[/bold]", highlight=False)
    console.print(
        f"id {escape(doc.id)} · language {language} · {len(doc.text):,} characters", highlight=False
    )
    counts = ", ".join(f"{n} {name}" for name, n in layer_counts(doc).items() if n)
    console.print(counts, highlight=False)
    table = Table(show_header=False, box=None, padding=(0, 1))
    table.add_column(style="cyan", no_wrap=True)
    table.add_column(overflow="fold")
    for layer, line in top_items(doc):
        table.add_row(layer, escape(line))  # article text is never rich markup
    console.print(table)
    by_reason: dict[str, list[str]] = {}
    for layer, reason in doc.unavailable.items():
        by_reason.setdefault(reason, []).append(layer)
    for reason, layers in by_reason.items():
        console.print(f"not analysed ({escape(reason)}): {', '.join(layers)}", highlight=False)
    for warning in doc.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
