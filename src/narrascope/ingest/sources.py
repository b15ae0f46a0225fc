"""Dispatch: each input (path, folder, URL, feed, records file, '-') to its reader, as one stream.

Bad input never stops the stream: it becomes a `Failure` naming the input and the reason, and
the next input is read. Documents are produced one at a time, so a corpus is never held in memory.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from narrascope.document import Document, Failure, content_hash
from narrascope.ingest.documents import build_document
from narrascope.ingest.feeds import feed_documents
from narrascope.ingest.files import (
    InputError,
    binary_reason,
    decode,
    file_kind,
    read_bytes,
    sniff_kind,
    text_document,
    walk,
)
from narrascope.ingest.options import IngestOptions
from narrascope.ingest.records import csv_documents, jsonl_documents, jsonl_records
from narrascope.ingest.web import (
    FetchError,
    fetch,
    html_document,
    is_url,
    looks_like_feed,
    scheme_problem,
)

Item = Document | Failure


def iter_documents(inputs: list[str], options: IngestOptions | None = None) -> Iterator[Item]:
    """Every article in `inputs`, or a Failure per bad input, in input order."""
    options = options or IngestOptions()
    if isinstance(inputs, str):  # one input, not its characters
        inputs = [inputs]
    for item in inputs:
        yield from _guarded(item, _documents(item, options))


def _guarded(input: str, items: Iterable[Item]) -> Iterator[Item]:
    """Turn an error raised while reading one input into a Failure for that input."""
    try:
        yield from items
    except (InputError, FetchError) as exc:
        yield Failure(input=input, reason=_one_line(str(exc)))
    except Exception as exc:  # a reader bug must not end the whole run
        yield Failure(
            input=input, reason=_one_line(f"unexpected error: {type(exc).__name__}: {exc}")
        )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _documents(item: str, options: IngestOptions) -> Iterator[Item]:
    if item == "-":
        yield from stdin_documents(sys.stdin.buffer, options)
    elif is_url(item):
        yield from url_documents(item, options)
    else:
        path = Path(item)
        if path.is_dir():
            yield from directory_documents(path, item, options)
        elif path.is_file():
            yield from file_documents(path, path.name, item, options)
        else:
            yield Failure(input=item, reason=_path_problem(path))


def _path_problem(path: Path) -> str:
    return "not a regular file" if path.exists() else "no such file or directory"


def input_problem(item: str) -> str | None:
    """Why an input cannot be read at all, told at once without the network or reading it whole:
    a missing path, something that is neither a file nor a folder, a URL scheme other than
    http(s), a binary text file such as a PDF. None when it may be read (reading can still fail).

    Used to refuse a run whose inputs are all unreadable before any model is loaded; the readers
    give the same reasons when they meet such an input in a run.
    """
    if item == "-":
        return None
    if is_url(item):
        return scheme_problem(item)
    path = Path(item)
    if path.is_dir():
        return None
    if not path.is_file():
        return _path_problem(path)
    if file_kind(path) not in ("text", "html"):
        return None  # records and feeds: their readers report what is wrong, per record
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except PermissionError:
        return "permission denied"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    return binary_reason(head)


def directory_documents(directory: Path, input: str, options: IngestOptions) -> Iterator[Item]:
    """Matching files, recursively and sorted; ids are paths relative to the folder."""
    found = False
    for path, relative in walk(directory, options.glob):
        found = True
        yield from _guarded(str(path), file_documents(path, relative, str(path), options))
    if not found:
        yield Failure(
            input=input,
            reason=f"folder has no articles (no files matching {' '.join(options.glob)})",
        )


def file_documents(path: Path, name: str, input: str, options: IngestOptions) -> Iterator[Item]:
    """One file: `name` is its document id (or the id prefix of its records)."""
    kind = file_kind(path)
    if kind == "text":
        yield text_document(path, name, input, options)
    elif kind == "html":
        yield html_document(read_bytes(path, options.max_bytes), options, id=name, input=input)
    elif kind == "feed":
        yield from feed_documents(read_bytes(path, options.max_bytes), input, options)
    elif kind == "jsonl":
        yield from jsonl_documents(path, name, options)
    else:
        yield from csv_documents(path, name, options, delimiter="\t" if kind == "tsv" else ",")


def url_documents(url: str, options: IngestOptions) -> Iterator[Item]:
    """A web page (one article) or a feed (one article per entry)."""
    try:
        page = fetch(url, options)
    except FetchError as exc:
        yield Failure(input=url, reason=str(exc))
        return
    if looks_like_feed(page):
        yield from feed_documents(page.content, url, options, base_url=page.url)
    elif page.content_type.startswith("text/plain"):
        text, warnings = decode(page.content)
        yield build_document(options, id=url, text=text, input=url, url=page.url, warnings=warnings)
    else:
        yield html_document(page.content, options, id=url, input=url, url=page.url)


def stdin_documents(stream: BinaryIO, options: IngestOptions) -> Iterator[Item]:
    """Standard input: plain text, HTML, a feed or JSONL, told apart by the first bytes."""
    data = stream.read(options.max_bytes + 1)
    if len(data) > options.max_bytes:
        raise InputError(
            f"standard input exceeds the limit of {options.max_bytes:,} bytes (max_bytes)"
        )
    reason = binary_reason(data[:8192])
    if reason:
        raise InputError(reason)
    kind = sniff_kind(data)
    if kind == "jsonl":
        yield from jsonl_records(io.BytesIO(data), "stdin", options)
    elif kind == "feed":
        yield from feed_documents(data, "-", options)
    elif kind == "html":
        yield html_document(
            data,
            options,
            id=f"stdin:{content_hash(data.decode('utf-8', 'replace'))[:16]}",
            input="-",
        )
    else:
        text, warnings = decode(data)
        yield build_document(
            options, id=f"stdin:{content_hash(text)[:16]}", text=text, input="-", warnings=warnings
        )
