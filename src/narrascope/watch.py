"""Watching RSS/Atom feeds: poll them on a schedule and analyse only entries not seen before.

An entry is new when neither its link (its article id in the store) nor its id was seen; only new
entries have their pages fetched. Their content hash is then checked against the store by the run
loop, so a republished text under a new link is not analysed twice. A feed that fails is retried
after an exponentially growing pause (per feed, capped); every feed gets one log line per cycle.
"""

from __future__ import annotations

import io
import math
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from narrascope.document import Document, Failure
from narrascope.ingest.feeds import entry_document, fetch_entry_page
from narrascope.ingest.options import IngestOptions
from narrascope.ingest.web import Fetched, FetchError, fetch
from narrascope.pipeline import Pipeline
from narrascope.runner import Callbacks, Sinks, run
from narrascope.store import Store

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


MIN_INTERVAL = 1.0  # seconds: shorter would poll feeds in a tight loop
MAX_INTERVAL = 366 * 86400.0  # a year: longer overflows sleep and date arithmetic


def parse_every(value: str) -> float:
    """'90s', '15m', '1h', '1d' or plain seconds, as seconds."""
    text = value.strip().lower()
    number, unit = (text[:-1], text[-1]) if text[-1:] in UNITS else (text, "s")
    try:
        seconds = float(number) * UNITS[unit]
    except ValueError:
        raise ValueError(f"cannot read interval {value!r}; use e.g. 90s, 15m, 1h") from None
    if not math.isfinite(seconds) or not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise ValueError(
            f"interval {value!r} must be a number from {MIN_INTERVAL:g} s to "
            f"{MAX_INTERVAL // 86400:g} days; use e.g. 90s, 15m, 1h"
        )
    return seconds


def read_feed_list(path: Path) -> list[str]:
    """One feed URL per line; blank lines and lines starting with '#' are ignored."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return list(dict.fromkeys(line for line in lines if line and not line.startswith("#")))


def short_duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return (
                f"{seconds / size:.0f}{unit}"
                if seconds % size == 0
                else f"{seconds / size:.1f}{unit}"
            )
    return f"{seconds:.0f}s"


def log_line(message: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(f"{stamp} {message}", file=sys.stderr, flush=True)


@dataclass
class FeedState:
    """What the watcher remembers about one feed between cycles."""

    url: str
    failures: int = 0  # consecutive failed polls
    next_due: float = 0.0
    last_error: str = ""


@dataclass
class FeedReport:
    """One feed's outcome in one cycle."""

    url: str
    status: str  # "ok", "failed" or "waiting"
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    reason: str = ""
    retry_in: float = 0.0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.status == "waiting":
            return f"feed {self.url}: backing off after {self.reason}; next try in {short_duration(self.retry_in)}"
        if self.status == "failed":
            return (
                f"feed {self.url}: failed: {self.reason}; retry in {short_duration(self.retry_in)}"
            )
        text = f"feed {self.url}: {self.new} new, {self.unchanged} unchanged"
        if self.failed:
            text += f", {self.failed} failed ({'; '.join(self.errors[:3])})"
        return text


class Watcher:
    """Polls feeds into a store with one pipeline; `cycle()` polls every feed that is due."""

    def __init__(
        self,
        feeds: Iterable[str],
        pipeline: Pipeline,
        store: Store,
        options: IngestOptions | None = None,
        every: float = 900.0,
        max_backoff: float = 6 * 3600.0,
        log: Callable[[str], None] = log_line,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.feeds = [FeedState(url) for url in feeds]
        self.pipeline = pipeline
        self.store = store
        self.options = options or IngestOptions(max_chars=pipeline.config.max_chars)
        self.every = every
        self.max_backoff = max(max_backoff, every)
        self.log = log
        self.clock = clock
        self.seen: set[str] = {row[0] for row in store.query("SELECT article_id FROM articles")}

    def cycle(self) -> list[FeedReport]:
        """Poll every feed once, except those pausing after failures; one log line each."""
        now = self.clock()
        reports = []
        for feed in self.feeds:
            if feed.failures and now < feed.next_due:
                report = FeedReport(
                    feed.url,
                    "waiting",
                    reason=f"{feed.failures} failure(s) ({feed.last_error})",
                    retry_in=feed.next_due - now,
                )
            else:
                try:
                    report = self.poll(feed, now)
                except Exception as exc:  # one feed's trouble must not stop the watch
                    report = self._failed(
                        feed, now, f"unexpected error: {type(exc).__name__}: {exc}"
                    )
            self.log(report.line())
            reports.append(report)
        return reports

    def poll(self, feed: FeedState, now: float) -> FeedReport:
        try:
            page = fetch(feed.url, self.options)
            entries, source = _parse(page)
        except FetchError as exc:
            return self._failed(feed, now, str(exc))
        limit = self.options.max_feed_entries
        report = self._analyse(feed.url, entries[:limit] if limit else entries, source)
        feed.failures, feed.last_error = 0, ""
        return report

    def _failed(self, feed: FeedState, now: float, reason: str) -> FeedReport:
        """Count the failure and pause the feed: every × 2^(failures − 1), at most max_backoff."""
        feed.failures += 1
        feed.last_error = " ".join(reason.split())
        delay = min(self.every * 2 ** (feed.failures - 1), self.max_backoff)
        feed.next_due = now + delay
        return FeedReport(feed.url, "failed", reason=feed.last_error, retry_in=delay)

    def _analyse(self, url: str, entries: list[Any], source: str | None) -> FeedReport:
        report = FeedReport(url, "ok")
        fresh: list[Document | Failure] = []
        fresh_keys: set[str] = set()
        for number, entry in enumerate(entries, start=1):
            keys = _entry_keys(entry)
            if keys & (self.seen | fresh_keys):
                report.unchanged += 1
                continue
            fresh_keys |= keys
            link = (entry.get("link") or "").strip()
            fresh.append(
                entry_document(
                    entry,
                    number,
                    url,
                    source,
                    self.options,
                    [],
                    fetch_entry_page(link, self.options),
                )
            )

        def failed(failure: Failure) -> None:
            report.errors.append(f"{failure.input}: {' '.join(failure.reason.split())}")

        stats = run(fresh, self.pipeline, Sinks(store=self.store), Callbacks(failure=failed))
        self.seen |= fresh_keys  # only once stored: entries of a failed cycle are tried again
        report.new = stats.analysed
        report.unchanged += stats.already_stored + stats.duplicates  # same text under a new link
        report.failed = stats.failed
        return report


def _parse(page: Fetched) -> tuple[list[Any], str | None]:
    """The feed's entries and title; a page that is not a feed is a failure of the feed."""
    import feedparser

    parsed = feedparser.parse(
        io.BytesIO(page.content), response_headers={"content-location": page.url}
    )
    if not parsed.entries and parsed.bozo:
        raise FetchError(f"not a feed: {' '.join(str(parsed.get('bozo_exception', '')).split())}")
    return list(parsed.entries), (parsed.feed.get("title") or "").strip() or None


def _entry_keys(entry: Any) -> set[str]:
    return {
        key for key in ((entry.get("link") or "").strip(), (entry.get("id") or "").strip()) if key
    }


def watch_forever(watcher: Watcher, stop: threading.Event | None = None) -> None:
    """A cycle every `watcher.every` seconds until `stop` is set (Ctrl-C is the caller's to handle)."""
    stop = stop or threading.Event()
    while not stop.is_set():
        started = time.monotonic()
        watcher.cycle()
        stop.wait(max(0.0, watcher.every - (time.monotonic() - started)))
