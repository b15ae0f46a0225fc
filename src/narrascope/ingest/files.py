"""Local files: reading bytes safely, telling text from binary, decoding, walking folders.

A text article's `Document.text` is the whole file decoded as UTF-8; `build_document`
normalises its line endings like every ingested text's (docs/inputs.md, *Line endings*).
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from narrascope.document import Document, Failure
from narrascope.ingest.documents import build_document
from narrascope.ingest.options import IngestOptions

# Signatures of common binary formats people point a text tool at by mistake.
MAGIC: dict[bytes, str] = {
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\x1f\x8b": "a gzip archive",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable",
    b"\xd0\xcf\x11\xe0": "an old Office document",
}

EXTENSION_KINDS = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
RECORD_KINDS = ("jsonl", "csv", "tsv")


class InputError(Exception):
    """An input that cannot be read; the message is the one-line reason."""


def binary_reason(head: bytes) -> str | None:
    """Why these leading bytes are not text, or None when they look like text."""
    for magic, what in MAGIC.items():
        if head.startswith(magic):
            return f"binary file ({what}), not text"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head:
        return "binary file (contains NUL bytes), not text"
    return None


def decode(data: bytes) -> tuple[str, list[str]]:
    """UTF-8 text with line endings kept; invalid bytes become U+FFFD with a warning, not a failure."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), [
            "decoded as UTF-16 (byte-order mark found)"
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        return text, [
            f"invalid UTF-8 (first bad byte at offset {exc.start}); undecodable bytes replaced with U+FFFD"
        ]


def read_bytes(path: Path, limit: int, limit_text: str | None = None) -> bytes:
    """The file's bytes, refusing binary files and files over `limit` bytes before reading them whole."""
    limit_text = limit_text or f"the limit of {limit:,} bytes (max_bytes)"
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"file of {size:,} bytes exceeds {limit_text}")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except PermissionError:
        raise InputError("permission denied") from None
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(f"file exceeds {limit_text}")
    reason = binary_reason(data[:8192])
    if reason:
        raise InputError(reason)
    return data


def sniff_kind(head: bytes) -> str:
    """Guess the kind of content without a telling file extension: feed, html, jsonl or text."""
    start = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"<"):
        if any(tag in start for tag in (b"<rss", b"<feed", b"<rdf:rdf")):
            return "feed"
        if any(tag in start for tag in (b"<!doctype html", b"<html", b"<head", b"<body")):
            return "html"
    return "text"


def file_kind(path: Path) -> str:
    """The reader for a file: by its extension, else by its first bytes."""
    suffixes = [suffix.lower() for suffix in path.suffixes[-2:]]
    if (
        len(suffixes) == 2
        and suffixes[1] == ".gz"
        and EXTENSION_KINDS.get(suffixes[0]) in RECORD_KINDS
    ):
        return EXTENSION_KINDS[suffixes[0]]  # gzip-compressed records, read by records.py
    kind = EXTENSION_KINDS.get(path.suffix.lower())
    if kind:
        return kind
    try:
        with path.open("rb") as handle:
            return sniff_kind(handle.read(2048))
    except OSError:
        return "text"  # the reader reports the error


def text_document(
    path: Path, doc_id: str, input: str, options: IngestOptions
) -> Document | Failure:
    """A plain-text article: title line, blank line(s), body."""
    try:
        # a character is at most 4 bytes in UTF-8: anything larger is over max_chars for sure
        data = read_bytes(
            path,
            options.max_chars * 4,
            f"the limit of {options.max_chars:,} characters (max_chars)",
        )
    except InputError as exc:
        return Failure(input=input, reason=str(exc))
    text, warnings = decode(data)
    return build_document(options, id=doc_id, text=text, input=input, warnings=warnings)


def matches(relative: str, patterns: list[str]) -> bool:
    """A relative POSIX path matches a pattern by its trailing components ('*.txt', 'raw/*.txt')."""
    path = PurePosixPath(relative)
    return any(path.match(p) or fnmatch(relative, p) for p in patterns)


def walk(directory: Path, patterns: list[str]) -> Iterator[tuple[Path, str]]:
    """Files under `directory` matching the patterns, in sorted order, as (path, relative POSIX path).

    Hidden files and folders (dot-names) are skipped; symlinked folders are not followed.
    """
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            if not path.is_file():  # sockets, FIFOs (reading one would block), broken links
                continue
            relative = path.relative_to(directory).as_posix()
            if matches(relative, patterns):
                yield path, relative
