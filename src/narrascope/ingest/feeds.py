"""RSS and Atom feeds (feedparser): each entry becomes an article.

With `fetch_feed_entries` an entry's link is fetched (through the same guarded fetcher as any
URL) and its main text extracted; when that is off or fails, the entry's own content or summary
is used. The entry's date and the feed's title become the article's `published` and `source`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from narrascope.document import Document, Failure
from narrascope.ingest.documents import build_document, join_title, parse_date
from narrascope.ingest.options import IngestOptions
from narrascope.ingest.web import FetchError, fetch, html_document, html_to_text


def feed_documents(
    content: bytes, input: str, options: IngestOptions, base_url: str | None = None
) -> Iterator[Document | Failure]:
    """The entries of a feed, fetched lazily one after the other."""
    import feedparser  # imported on first use, like trafilatura

    # a file object, never bytes or str: feedparser treats those as a path or URL to open itself
    headers = {"content-location": base_url} if base_url else None
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    entries = parsed.entries[: options.max_feed_entries] if options.max_feed_entries else parsed.entries
    if not entries:
        if parsed.bozo:
            problem = " ".join(str(parsed.get("bozo_exception", "not a feed")).split())
            yield Failure(input=input, reason=f"malformed feed: {problem}")
        else:
            yield Failure(input=input, reason="feed has no entries")
        return
    warnings = ["feed is not well-formed; entries read leniently"] if parsed.bozo else []
    source = (parsed.feed.get("title") or "").strip() or None
    for number, entry in enumerate(entries, start=1):
        yield entry_document(entry, number, input, source, options, warnings)


def entry_document(
    entry: Any, number: int, feed_input: str, source: str | None, options: IngestOptions, warnings: list[str]
) -> Document | Failure:
    link = (entry.get("link") or "").strip()
    where = link or f"{feed_input}#{number}"
    published = parse_date(entry.get("published_parsed") or entry.get("updated_parsed"))
    notes = list(warnings)
    if options.fetch_feed_entries and link:
        try:
            page = fetch(link, options)
        except FetchError as exc:
            notes.append(f"could not fetch {link}: {exc}; used the feed entry's own text")
            failure = Failure(input=where, reason=str(exc))
        else:
            doc = html_document(page.content, options, id=link, input=where, url=page.url, warnings=notes)
            if isinstance(doc, Document):
                doc.source = source or doc.source
                doc.published = published or doc.published
                doc.meta["feed"] = feed_input
                return doc
            notes.append(f"no article text at {link}: {doc.reason}; used the feed entry's own text")
            failure = doc
    else:
        failure = Failure(input=where, reason="feed entry has no text" if link else "feed entry has no link and no text")

    body = html_to_text(_entry_html(entry))
    if not body:
        return failure
    return build_document(
        options,
        id=link or f"{feed_input}#{number}",
        text=join_title(entry.get("title") or "", body),
        input=where,
        title=entry.get("title"),
        source=source,
        url=link or None,
        published=published,
        warnings=notes,
        meta={"feed": feed_input},
    )


def _entry_html(entry: Any) -> str:
    """The fullest text the entry carries (feedparser has already removed scripts from it)."""
    contents = entry.get("content") or []
    if contents and contents[0].get("value"):
        return str(contents[0]["value"])
    return str(entry.get("summary") or "")
