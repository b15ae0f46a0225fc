"""JSONL and CSV files: one article per record, read a line at a time.

A record's text is `title + "\\n\\n" + body` when it has a title, so offsets are on that combined
text. Lines are decoded one by one: invalid UTF-8 warns on the record it occurs in.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from narrascope.document import Document, Failure
from narrascope.ingest.documents import build_document, join_title
from narrascope.ingest.files import InputError, binary_reason
from narrascope.ingest.options import IngestOptions

REPLACED = "invalid UTF-8; undecodable bytes replaced with U+FFFD"


def field(record: dict[str, Any], names: list[str]) -> Any:
    """The first of `names` present in the record with a non-empty value."""
    for name in names:
        value = record.get(name)
        if value not in (None, ""):
            return value
    return None


def record_document(
    record: dict[str, Any], name: str, line: int, options: IngestOptions, warnings: list[str]
) -> Document | Failure:
    where = f"{name}:{line}"
    body = field(record, options.text_field)
    if not isinstance(body, str) or not body.strip():
        fields = "|".join(options.text_field)
        return Failure(input=where, reason=f"record has no text (field {fields!r})")
    title = field(record, options.title_field)
    title = str(title).strip() if title is not None else ""
    record_id = field(record, options.id_field)
    language = field(record, options.language_field)
    return build_document(
        options,
        id=str(record_id) if record_id is not None else where,
        text=join_title(title, body) if title else body,
        input=where,
        title=title or None,
        source=_text(field(record, options.source_field)),
        url=_text(field(record, options.url_field)),
        published=field(record, options.date_field),
        language=language if isinstance(language, str) else None,
        warnings=warnings,
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


@contextmanager
def open_records(path: Path) -> Iterator[BinaryIO]:
    """The file's bytes, decompressed when it ends in .gz, after a check that they are text."""
    try:
        with gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb") as handle:
            reason = binary_reason(handle.read(8192))
            if reason:
                raise InputError(reason)
            handle.seek(0)
            yield handle  # type: ignore[misc]
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise InputError(f"corrupt gzip file: {exc}") from None


class LineTooLong(str):
    """Stands for a line over the byte limit, which was skipped unread (its text is the reason)."""


def record_bytes(options: IngestOptions) -> int:
    """The longest line read whole: a record of `max_chars` characters, JSON-escaped, and its fields."""
    return 6 * options.max_chars + 65_536


def _lines(handle: BinaryIO, bad: set[int], limit: int | None = None) -> Iterator[str]:
    """Decoded lines (endings kept); numbers of lines with invalid UTF-8 go into `bad`.

    A line over `limit` bytes is skipped in bounded reads (a 1 KB .gz can hold a 1 GiB line) and
    comes out as a `LineTooLong`."""
    number = 0
    while True:
        raw = handle.readline(limit + 1) if limit else handle.readline()
        if not raw:
            return
        number += 1
        if limit and len(raw) > limit and not raw.endswith(b"\n"):
            while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield LineTooLong(
                f"record over the limit of {limit:,} bytes (from --max-chars); skipped"
            )
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            bad.add(number)
            yield raw.decode("utf-8", errors="replace")


def jsonl_documents(path: Path, name: str, options: IngestOptions) -> Iterator[Document | Failure]:
    """One document per JSON object line; blank lines are skipped, bad lines are Failures."""
    with open_records(path) as handle:
        yield from jsonl_records(handle, name, options)


def jsonl_records(
    handle: BinaryIO, name: str, options: IngestOptions
) -> Iterator[Document | Failure]:
    bad: set[int] = set()
    for number, line in enumerate(_lines(handle, bad, record_bytes(options)), start=1):
        if isinstance(line, LineTooLong):
            yield Failure(input=f"{name}:{number}", reason=str(line))
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(
                input=f"{name}:{number}", reason=f"invalid JSON: {exc.msg} (column {exc.colno})"
            )
            continue
        if not isinstance(record, dict):
            yield Failure(
                input=f"{name}:{number}",
                reason=f"expected a JSON object, got {type(record).__name__}",
            )
            continue
        yield record_document(record, name, number, options, [REPLACED] if number in bad else [])


def csv_documents(
    path: Path, name: str, options: IngestOptions, delimiter: str = ","
) -> Iterator[Document | Failure]:
    """One document per row; the header names the fields. Quoted fields may span lines."""
    with open_records(path) as handle:
        bad: set[int] = set()
        yield from csv_records(
            _csv_lines(_lines(handle, bad, record_bytes(options))), bad, name, options, delimiter
        )


def _csv_lines(lines: Iterable[str]) -> Iterator[str]:
    """CSV rows may span lines, so a line over the limit ends the file with an error."""
    for number, line in enumerate(lines, start=1):
        if isinstance(line, LineTooLong):
            raise InputError(f"line {number}: {line}")
        yield line


def csv_records(
    lines: Iterable[str], bad: set[int], name: str, options: IngestOptions, delimiter: str = ","
) -> Iterator[Document | Failure]:
    _allow_long_fields()
    reader = csv.DictReader(lines, delimiter=delimiter)
    try:
        if not reader.fieldnames:
            raise InputError("empty CSV file (no header)")
        while True:
            first = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            warnings = [REPLACED] if any(first <= n <= reader.line_num for n in bad) else []
            yield record_document(row, name, first, options, warnings)
    except csv.Error as exc:
        raise InputError(f"malformed CSV at line {reader.line_num}: {exc}") from None


def _allow_long_fields() -> None:
    """Articles are longer than csv's default 128 KB field limit; `max_chars` is checked per record."""
    if csv.field_size_limit() < 2**31 - 1:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
