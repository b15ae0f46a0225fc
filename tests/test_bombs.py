"""Decompression bombs: a compressed record or response stops at its limit, not after inflating."""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from local_http import serving
from narrascope.document import Document, Failure
from narrascope.ingest import IngestOptions, iter_documents
from narrascope.ingest.web import FetchError, fetch

MIB = 1 << 20


def gzip_stream(size: int, chunk: bytes = b"a" * MIB) -> bytes:
    """gzip of `size` bytes of `chunk` repeated, compressed piece by piece (never all in memory)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [packer.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(out) + packer.flush()


def peak_mib(func) -> tuple[object, float]:  # noqa: ANN001
    tracemalloc.start()
    try:
        result = func()
        return result, tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()


def test_jsonl_gz_with_a_huge_line_stops_at_the_record_limit(tmp_path: Path) -> None:
    head = b'{"id": "bomb", "text": "'
    body = gzip_stream(128 * MIB)  # one line of 128 MiB inside a small file
    tail = gzip.compress(b'"}\n' + json.dumps({"id": "ok", "text": "T\n\nbody."}).encode() + b"\n")
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(head) + body + tail)  # gzip members concatenate
    assert path.stat().st_size < 2 * MIB
    options = IngestOptions(max_chars=10_000)
    items, peak = peak_mib(lambda: list(iter_documents([str(path)], options)))
    assert peak < 40, f"{peak:.0f} MiB allocated reading a 128 MiB line"
    failure, doc = items
    assert isinstance(failure, Failure) and "over the limit" in failure.reason
    assert failure.input.endswith("bomb.jsonl.gz:1")
    assert isinstance(doc, Document) and doc.id == "ok"


def test_csv_gz_with_a_huge_line_fails_the_file_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"id,text\nx,") + gzip_stream(64 * MIB))
    items, peak = peak_mib(lambda: list(iter_documents([str(path)], IngestOptions(max_chars=5000))))
    assert peak < 40
    (failure,) = items
    assert isinstance(failure, Failure) and "over the limit" in failure.reason


@pytest.fixture(scope="module")
def nested_bomb() -> bytes:
    inner = gzip_stream(256 * MIB, b"\0" * MIB)
    return gzip.compress(inner, 9)  # 'Content-Encoding: gzip, gzip'


def bomb_server(payload: bytes, encoding: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def test_nested_gzip_response_stops_at_max_bytes(nested_bomb: bytes) -> None:
    assert len(nested_bomb) < 64 * 1024
    options = IngestOptions(allow_private=True, max_bytes=2 * MIB)
    with serving(bomb_server(nested_bomb, "gzip, gzip")) as url:

        def attempt() -> str:
            with pytest.raises(FetchError) as caught:
                fetch(url + "/bomb", options)
            return str(caught.value)

        reason, peak = peak_mib(attempt)
    assert "larger than 2,097,152 bytes" in reason
    assert peak < 40, f"{peak:.0f} MiB allocated for a 2 MiB limit"


def test_compressed_responses_still_decode() -> None:
    page = (
        b"<html><body><h1>Talks</h1><p>" + b"Diplomats met in Geneva. " * 40 + b"</p></body></html>"
    )
    options = IngestOptions(allow_private=True)
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    cases = {
        "gzip": gzip.compress(page),
        "gzip, gzip": gzip.compress(gzip.compress(page)),
        "deflate": zlib.compress(page),
        "identity": page,
    }
    for encoding, payload in cases.items():
        with serving(bomb_server(payload, encoding)) as url:
            assert fetch(url + "/", options).content == page, encoding
    with serving(bomb_server(raw_deflate.compress(page) + raw_deflate.flush(), "deflate")) as url:
        assert fetch(url + "/", options).content == page
    with (
        serving(bomb_server(page, "br")) as url,
        pytest.raises(FetchError, match="Content-Encoding"),
    ):
        fetch(url + "/", options)
