"""Ingestion over HTTP against a real local server: pages, 404s, redirects, feeds, the SSRF guard."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from local_http import serving
from narrascope.document import Document, Failure
from narrascope.ingest import IngestOptions, iter_documents, web
from narrascope.ingest.web import Refused, check_url

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

PAGES = {
    "/article.html": ("article.html", "text/html; charset=utf-8"),
    "/second.html": ("second.html", "text/html; charset=utf-8"),
    "/feed.rss": ("feed.rss", "application/rss+xml"),
    "/feed.atom": ("feed.atom", "application/atom+xml"),
    "/feed-as-xml": ("feed.rss", "text/xml"),
    "/broken.rss": ("malformed.rss", "application/rss+xml"),
    "/plain.txt": ("plain.txt", "text/plain; charset=utf-8"),
}
REDIRECTS = {
    "/moved": "/article.html",
    "/loop": "/loop",
    "/to-file": "file:///etc/passwd",
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path in REDIRECTS:
            self.send_response(302)
            self.send_header("Location", REDIRECTS[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/slow":
            self._send_slowly()
            return
        if self.path not in PAGES:
            self.send_error(404, "Not Found")
            return
        name, content_type = PAGES[self.path]
        base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
        body = (FIXTURES / name).read_text(encoding="utf-8").replace("{base}", base).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_slowly(self) -> None:
        """A page that arrives a few bytes at a time: each read is quick, the whole is not."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(8 * 20))
        self.end_headers()
        try:
            for _ in range(8):
                self.wfile.write(b"<p>slow</p>".ljust(20))
                self.wfile.flush()
                time.sleep(0.3)
        except OSError:  # the client gave up, as it should
            pass

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(Handler) as url:
        yield url


LOCAL = IngestOptions(allow_private=True, timeout=5)


def read(inputs: list[str], options: IngestOptions = LOCAL) -> list[Document | Failure]:
    return list(iter_documents(inputs, options))


def test_html_url_becomes_an_article(server: str) -> None:
    url = f"{server}/article.html"
    [doc] = read([url])
    assert isinstance(doc, Document), doc
    assert doc.id == url and doc.url == url and doc.meta["input"] == url
    assert doc.title == "Coastal states agree on joint patrols"
    assert doc.text.startswith("Coastal states agree on joint patrols\n\nThree coastal states")
    assert doc.source == "The Harbour Ledger"
    assert doc.published == date(2025, 2, 14)
    assert "MUST-NOT-APPEAR" not in doc.text and "<script" not in doc.text


def test_plain_text_url_is_read_as_a_text_article(server: str) -> None:
    [doc] = read([f"{server}/plain.txt"])
    assert isinstance(doc, Document), doc
    assert doc.text == (FIXTURES / "plain.txt").read_text(encoding="utf-8")
    assert doc.title == "Observers report calm at the crossing" and doc.url == f"{server}/plain.txt"


def test_404_is_a_failure_with_the_status(server: str) -> None:
    [failure] = read([f"{server}/missing.html"])
    assert isinstance(failure, Failure)
    assert failure.input == f"{server}/missing.html"
    assert "404" in failure.reason


def test_response_size_and_total_time_are_limited(server: str) -> None:
    [big] = read([f"{server}/article.html"], IngestOptions(allow_private=True, max_bytes=200))
    assert isinstance(big, Failure) and "max_bytes" in big.reason
    started = time.monotonic()
    [slow] = read([f"{server}/slow"], IngestOptions(allow_private=True, timeout=1))
    assert isinstance(slow, Failure) and "timed out" in slow.reason
    assert time.monotonic() - started < 2.0


def test_unreachable_url_is_a_failure() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    [failure] = read([f"http://127.0.0.1:{port}/"])
    assert isinstance(failure, Failure) and "cannot connect" in failure.reason


def test_redirects_are_followed_and_every_hop_checked(server: str) -> None:
    [doc] = read([f"{server}/moved"])
    assert isinstance(doc, Document) and doc.url == f"{server}/article.html"
    [loop] = read([f"{server}/loop"], IngestOptions(allow_private=True, max_redirects=3))
    assert isinstance(loop, Failure) and "too many redirects" in loop.reason
    [to_file] = read([f"{server}/to-file"])
    assert isinstance(to_file, Failure) and "unsupported URL scheme file:" in to_file.reason


def test_private_address_is_refused_without_the_flag(server: str) -> None:
    [failure] = read([f"{server}/article.html"], IngestOptions())
    assert isinstance(failure, Failure)
    assert failure.reason.startswith("refused:") and "loopback" in failure.reason


def test_connection_guard_refuses_a_host_that_passed_the_check(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: even when the pre-check is fooled, the connection itself is refused."""
    monkeypatch.setattr(web, "check_url", lambda url, allow_private: None)
    [failure] = read([f"{server}/article.html"], IngestOptions(timeout=5))
    assert isinstance(failure, Failure)
    assert failure.reason.startswith("refused:") and "loopback" in failure.reason


@pytest.mark.parametrize(
    "url, kind",
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("http://192.168.0.10:8080/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://[2002:7f00:1::]/", "loopback"),  # 6to4 around 127.0.0.1
        ("http://[64:ff9b::a00:1]/", "private"),  # NAT64 around 10.0.0.1
        ("http://[fd00::1]/", "private"),
    ],
)
def test_non_public_addresses_are_refused(url: str, kind: str) -> None:
    with pytest.raises(Refused, match=kind):
        check_url(url, allow_private=False)
    check_url(url, allow_private=True)


def test_public_address_passes_the_check() -> None:
    check_url("https://8.8.8.8/page", allow_private=False)
    check_url("https://[2606:4700:4700::1111]/page", allow_private=False)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/a.txt", "gopher://example.org/"]
)
def test_other_schemes_are_refused(url: str) -> None:
    [failure] = read([url], IngestOptions(allow_private=True))
    assert isinstance(failure, Failure) and "unsupported URL scheme" in failure.reason


def test_rss_feed_url_fetches_each_entry(server: str) -> None:
    results = read([f"{server}/feed.rss"])
    assert [type(r).__name__ for r in results] == ["Document", "Document", "Document"]
    first, second, third = results
    assert first.id == f"{server}/article.html"
    assert "shared command post" in first.text  # the fetched page, not the one-line summary
    assert first.source == "Harbour Ledger World"
    assert first.published == datetime.fromisoformat("2025-02-14T09:30:00+00:00")
    assert first.meta["feed"] == f"{server}/feed.rss"
    assert second.title == "Grain convoy reaches the port after delays"
    # the third entry's link is a 404: its summary is used, with a warning saying so
    assert "Monitors reported no shelling" in third.text and "FEED-SCRIPT" not in third.text
    assert any("404" in w for w in third.warnings)
    one_at_a_time = read([f"{server}/feed.rss"], IngestOptions(allow_private=True, fetch_workers=1))
    assert [(d.id, d.text) for d in one_at_a_time] == [(d.id, d.text) for d in results]


def test_atom_feed_url_and_feed_served_as_plain_xml(server: str) -> None:
    [entry] = read([f"{server}/feed.atom"])
    assert isinstance(entry, Document)
    assert entry.source == "Strait Observer"
    assert "forty lorries" in entry.text
    assert entry.published == datetime.fromisoformat("2025-03-02T12:00:00+00:00")
    assert (
        len(read([f"{server}/feed-as-xml"], IngestOptions(allow_private=True, max_feed_entries=1)))
        == 1
    )


def test_feed_entries_are_guarded_too(server: str, tmp_path: Path) -> None:
    """A local feed file whose links point at a private address: entries fall back to their summaries."""
    feed = tmp_path / "local.rss"
    feed.write_text(
        (FIXTURES / "feed.rss").read_text(encoding="utf-8").replace("{base}", server),
        encoding="utf-8",
    )
    results = read([str(feed)], IngestOptions())
    assert all(isinstance(r, Document) for r in results)
    assert (
        results[0].text
        == "Coastal states agree on joint patrols\n\nThree coastal states will patrol the strait together."
    )
    assert any("refused" in w for w in results[0].warnings)


def test_malformed_feed_url_is_a_failure(server: str) -> None:
    [failure] = read([f"{server}/broken.rss"])
    assert isinstance(failure, Failure) and failure.reason.startswith("malformed feed")


def test_batch_goes_on_after_url_failures(server: str, tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Short headline\n\nA short body of text.\n", encoding="utf-8")
    results = read([f"{server}/missing", "ftp://example.org/x", str(text), f"{server}/second.html"])
    assert [type(r).__name__ for r in results] == ["Failure", "Failure", "Document", "Document"]
