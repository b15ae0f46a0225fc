"""Watching feeds against a real local HTTP server: new entries only, unchanged ones skipped,
exponential backoff on a failing feed, one log line per feed, the `watch --once` command."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from typer.testing import CliRunner

from local_http import serving
from narrascope import Pipeline
from narrascope.cli import app
from narrascope.ingest import IngestOptions
from narrascope.store import Store
from narrascope.watch import Watcher, parse_every, read_feed_list, short_duration

PAGES: dict[str, tuple[str, str]] = {}
REQUESTS: Counter[str] = Counter()


def rss(*entries: str) -> str:
    items = "".join(
        f"<item><title>Story {e}</title><link>{{base}}/story-{e}.html</link><guid>story-{e}</guid>"
        f"<pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate><description>Summary {e}.</description></item>"
        for e in entries
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>{items}</channel></rss>'


def story(e: str) -> str:
    body = (
        f"<p>Officials in Kyiv said story {e} concerned drone deliveries from Iran to Russia in May.</p>"
        * 3
    )
    return f"<html><head><title>Story {e}</title></head><body><article><h1>Story {e}</h1>{body}</article></body></html>"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        REQUESTS[self.path] += 1
        if self.path not in PAGES:
            self.send_error(503 if self.path == "/down.rss" else 404)
            return
        body, kind = PAGES[self.path]
        data = body.replace("{base}", f"http://127.0.0.1:{self.server.server_port}").encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(Handler) as url:
        yield url


@pytest.fixture()
def site(server: str) -> str:
    PAGES.clear()
    REQUESTS.clear()
    for e in "abc":
        PAGES[f"/story-{e}.html"] = (story(e), "text/html; charset=utf-8")
    PAGES["/feed.rss"] = (rss("a", "b"), "application/rss+xml")
    return server


@pytest.fixture(scope="module")
def segmenter() -> Pipeline:
    return Pipeline.from_config(only=["segmentation"])


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_intervals_and_feed_list(tmp_path):
    assert parse_every("15m") == 900 and parse_every("90s") == 90 and parse_every("1h") == 3600
    assert parse_every("120") == 120
    with pytest.raises(ValueError):
        parse_every("soon")
    with pytest.raises(ValueError):
        parse_every("0m")
    assert (
        short_duration(1800) == "30m"
        and short_duration(5400) == "1.5h"
        and short_duration(20) == "20s"
    )
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(
        "# wires\nhttp://a.example/rss\n\nhttp://b.example/atom\nhttp://a.example/rss\n",
        encoding="utf-8",
    )
    assert read_feed_list(feeds) == ["http://a.example/rss", "http://b.example/atom"]


def test_only_new_entries_are_fetched_and_analysed(tmp_path, site, segmenter):
    lines: list[str] = []
    options = IngestOptions(allow_private=True, timeout=5)
    with Store(tmp_path / "c.duckdb") as store:
        watcher = Watcher(
            [f"{site}/feed.rss"], segmenter, store, options, every=60, log=lines.append
        )
        first = watcher.cycle()
        assert (first[0].new, first[0].unchanged) == (2, 0)
        assert store.count() == 2
        doc = store.get(f"{site}/story-a.html")
        assert doc.source == "Local Wire" and "drone deliveries" in doc.text

        second = watcher.cycle()
        assert (second[0].new, second[0].unchanged) == (0, 2)
        PAGES["/feed.rss"] = (rss("c", "a", "b"), "application/rss+xml")
        third = watcher.cycle()
        assert (third[0].new, third[0].unchanged) == (1, 2)
        assert store.count() == 3
    # each entry page was fetched once, however many cycles listed it
    assert [REQUESTS[f"/story-{e}.html"] for e in "abc"] == [1, 1, 1]
    assert lines == [
        f"feed {site}/feed.rss: 2 new, 0 unchanged",
        f"feed {site}/feed.rss: 0 new, 2 unchanged",
        f"feed {site}/feed.rss: 1 new, 2 unchanged",
    ]


def test_a_restarted_watcher_remembers_the_store(tmp_path, site, segmenter):
    options = IngestOptions(allow_private=True, timeout=5)
    with Store(tmp_path / "c.duckdb") as store:
        Watcher([f"{site}/feed.rss"], segmenter, store, options, log=lambda _: None).cycle()
        again = Watcher([f"{site}/feed.rss"], segmenter, store, options, log=lambda _: None).cycle()
    assert (again[0].new, again[0].unchanged) == (0, 2)
    assert REQUESTS["/story-a.html"] == 1


def test_failing_feed_backs_off_exponentially_and_recovers(tmp_path, site, segmenter):
    lines: list[str] = []
    clock = Clock()
    feeds = [f"{site}/down.rss", f"{site}/feed.rss"]
    options = IngestOptions(allow_private=True, timeout=5)
    with Store(tmp_path / "c.duckdb") as store:
        watcher = Watcher(
            feeds,
            segmenter,
            store,
            options,
            every=60,
            max_backoff=200,
            log=lines.append,
            clock=clock,
        )
        statuses = []
        for _ in range(6):
            statuses.append([r.status for r in watcher.cycle()])
            clock.now += 60
        # polled at t=0, 60 and 180, then paused until 380: pauses of 60, 120, then 200 (the cap, not 240)
        assert REQUESTS["/down.rss"] == 3
        assert watcher.feeds[0].next_due == 1000 + 380
        assert [s[0] for s in statuses] == [
            "failed",
            "failed",
            "waiting",
            "failed",
            "waiting",
            "waiting",
        ]
        assert all(s[1] == "ok" for s in statuses)  # the other feed is not held up
        assert "HTTP 503" in lines[0] and "retry in 1m" in lines[0]
        assert lines[2].endswith("retry in 2m")
        assert "backing off after 2 failure(s)" in lines[4] and "next try in 1m" in lines[4]

        PAGES["/down.rss"] = (rss("c"), "application/rss+xml")
        clock.now += 1000
        report = watcher.cycle()[0]
        assert (report.status, report.new) == ("ok", 1)
        assert watcher.feeds[0].failures == 0


def test_entry_failures_are_reported_in_the_feed_line(tmp_path, site, segmenter):
    PAGES["/feed.rss"] = (rss("a", "zzz"), "application/rss+xml")  # story-zzz.html is a 404
    lines: list[str] = []
    options = IngestOptions(allow_private=True, timeout=5)
    with Store(tmp_path / "c.duckdb") as store:
        report = Watcher([f"{site}/feed.rss"], segmenter, store, options, log=lines.append).cycle()[
            0
        ]
    # the missing page falls back on the entry's own summary, with a warning
    assert report.new == 2
    assert lines == [f"feed {site}/feed.rss: 2 new, 0 unchanged"]


def test_watch_once_command(tmp_path, site):
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"{site}/feed.rss\n{site}/down.rss\n", encoding="utf-8")
    config = tmp_path / "light.toml"
    config.write_text('[pipeline]\nanalyzers = ["segmentation", "language"]\n', encoding="utf-8")
    db = tmp_path / "c.duckdb"
    args = [
        "watch",
        str(feeds),
        "--db",
        str(db),
        "--once",
        "--allow-private",
        "--config",
        str(config),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output  # one feed failed
    assert f"feed {site}/feed.rss: 2 new, 0 unchanged" in result.output
    assert f"feed {site}/down.rss: failed: HTTP 503" in result.output
    with Store(db) as store:
        assert store.count() == 2

    refused = CliRunner().invoke(
        app, ["watch", str(feeds), "--db", str(db), "--once", "--config", str(config)]
    )
    assert "refused" in refused.output  # loopback is off limits without --allow-private


def test_an_unexpected_error_fails_only_its_feed(tmp_path, site, segmenter, monkeypatch):
    import narrascope.watch as watch_module

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    lines: list[str] = []
    options = IngestOptions(allow_private=True, timeout=5)
    with Store(tmp_path / "c.duckdb") as store:
        watcher = Watcher(
            [f"{site}/feed.rss"], segmenter, store, options, every=60, log=lines.append
        )
        monkeypatch.setattr(watch_module, "run", broken)
        report = watcher.cycle()[0]
    assert report.status == "failed" and watcher.feeds[0].failures == 1
    assert lines == [
        f"feed {site}/feed.rss: failed: unexpected error: RuntimeError: disk full; retry in 1m"
    ]
