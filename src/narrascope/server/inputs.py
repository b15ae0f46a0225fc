"""Turning request inputs (pasted text, a URL, uploaded files) into Documents, with the limits.

Each helper raises `InputRejected` with a status and a one-line reason the client can act on.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import PurePath

from narrascope.document import Document, Failure
from narrascope.ingest.documents import build_document, is_blank
from narrascope.ingest.options import IngestOptions
from narrascope.server.settings import ServerSettings


class InputRejected(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def clean_text(text: str) -> str:
    """Replace lone surrogates (valid in JSON, not encodable as UTF-8) one for one, so offsets hold."""
    return text.encode("utf-8", errors="replace").decode("utf-8") if _has_surrogates(text) else text


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def from_text(
    text: str,
    settings: ServerSettings,
    *,
    id: str | None = None,
    title: str | None = None,
    source: str | None = None,
    url: str | None = None,
    published: date | datetime | None = None,
    name: str = "text",
) -> Document:
    text = clean_text(text)
    if is_blank(text):
        raise InputRejected(422, f"{name}: empty text")
    if len(text) > settings.max_text_chars:
        raise InputRejected(
            413,
            f"{name}: text of {len(text):,} characters is over the limit of {settings.max_text_chars:,}",
        )
    result = build_document(
        IngestOptions(max_chars=settings.max_text_chars),
        id=clean_text(id) if id else "",
        text=text,
        input=name,
        title=clean_text(title) if title else None,
        source=source,
        url=url,
        published=published,
    )
    return _finish(result, name)


def from_url(url: str, settings: ServerSettings) -> Document:
    """Fetch one article with the ingest layer's guard against loopback/private addresses."""
    from narrascope.ingest.web import FetchError, fetch, html_document

    options = IngestOptions(
        allow_private=settings.allow_private_urls, max_chars=settings.max_text_chars, timeout=15.0
    )
    try:
        fetched = fetch(url, options)
    except FetchError as exc:
        raise InputRejected(422, f"{url}: {exc}") from None
    result = html_document(fetched.content, options, id="", input=url, url=fetched.url)
    return _finish(result, url)


def _finish(result: Document | Failure, name: str) -> Document:
    if isinstance(result, Failure):
        raise InputRejected(422, f"{name}: {result.reason}")
    result.text = clean_text(result.text)
    if not result.id:
        result.id = result.content_hash[:16]
    result.meta.setdefault("input", name)
    return result


def from_upload(filename: str, data: bytes, settings: ServerSettings) -> Document:
    """An uploaded text or HTML file (decoded as UTF-8, or Latin-1 when it is not UTF-8)."""
    from narrascope.ingest.files import binary_reason, decode

    name = PurePath(filename or "upload").name
    reason = binary_reason(data[:4096])
    if reason:
        raise InputRejected(415, f"{name}: {reason}")
    stem = PurePath(name).stem or None
    if name.lower().endswith((".html", ".htm")):
        from narrascope.ingest.web import html_document

        options = IngestOptions(max_chars=settings.max_text_chars)
        doc = _finish(html_document(data, options, id=stem or "", input=name), name)
        return doc
    text, _warnings = decode(data)
    return from_text(text, settings, id=stem, name=name)
