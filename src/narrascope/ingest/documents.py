"""Turning extracted text and metadata into a `Document`, with the checks every input shares."""

from __future__ import annotations

import time
import unicodedata
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from narrascope.document import Document, Failure, Language
from narrascope.ingest.options import IngestOptions


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF. Browsers send a form's text with CRLF, files and APIs mostly
    with LF: one article must get one text, one id and one set of offsets whichever way it came."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def is_blank(text: str) -> bool:
    """No visible character: only whitespace and invisible format characters (zero-width
    spaces and joiners, byte-order marks, soft hyphens: Unicode category Cf)."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)


def first_line(text: str) -> str:
    """The first non-empty line (a leading byte-order mark is not part of a title)."""
    for line in text.splitlines():
        line = line.strip().lstrip("\ufeff").strip()
        if line:
            return line
    return ""


def join_title(title: str, body: str) -> str:
    """Title, blank line, body: the layout of the SemEval files, so one segmenter fits all inputs."""
    title, body = title.strip(), body.strip()
    if not title:
        return body
    if not body:
        return title
    return f"{title}\n\n{body}"


def parse_date(value: Any) -> date | datetime | None:
    """ISO 8601 or RFC 2822 text, a `time.struct_time` (feedparser), or None when unparseable."""
    if value is None or value == "":
        return None
    if isinstance(value, (date, datetime)):
        return value
    if isinstance(value, time.struct_time):
        return datetime(*value[:6], tzinfo=UTC)
    text = str(value).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if len(text) == 10 and parsed.time() == datetime.min.time():
        return parsed.date()
    return parsed


def date_in_range(value: date | datetime) -> bool:
    """Whether a date can be stored: in UTC it must still fall within years 1 to 9999."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            value.astimezone(UTC)
        except (OverflowError, ValueError):
            return False
    return True


def build_document(
    options: IngestOptions,
    *,
    id: str,
    text: str,
    input: str,
    title: str | None = None,
    source: str | None = None,
    url: str | None = None,
    published: Any = None,
    language: str | None = None,
    warnings: list[str] | None = None,
    meta: dict[str, Any] | None = None,
) -> Document | Failure:
    """A Document, or a Failure when the text is empty or over `max_chars`.

    Every ingested article passes here (files, records, feeds, web pages, stdin, the server's
    pasted text, uploads and URLs): this is where line endings are normalised.
    """
    text = normalise_newlines(text)
    if is_blank(text):
        return Failure(input=input, reason="empty text")
    if len(text) > options.max_chars:
        return Failure(
            input=input,
            reason=f"text of {len(text):,} characters exceeds the limit of {options.max_chars:,} (max_chars)",
        )
    warnings = list(warnings or [])
    when = parse_date(published)
    if published not in (None, "") and when is None:
        warnings.append(f"unparseable date {str(published)[:60]!r} ignored")
    elif when is not None and not date_in_range(when):
        warnings.append(
            f"date {str(published)[:60]!r} out of range (years 1 to 9999 in UTC) ignored"
        )
        when = None
    return Document(
        id=id,
        title=(title or "").strip() or first_line(text),
        text=text,
        source=source or None,
        url=url or None,
        published=when,
        language=Language(code=language.strip().lower(), score=1.0)
        if language and language.strip()
        else None,
        meta={"input": input, **(meta or {})},
        warnings=warnings,
    )
