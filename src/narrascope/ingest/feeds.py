"""RSS and Atom feeds (feedparser): each entry becomes an article.

With `fetch_feed_entries` an entry's link is fetched (through the same guarded fetcher as any
URL) and its main text extracted; when that is off or fails, the entry's own content or summary
is used. The entry's date and the feed's title become the article's `published` and `source`.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from narrascope.document import Document, Failure
from narrascope.ingest.documents import build_document, join_title, parse_date
from narrascope.ingest.options import IngestOptions
from narrascope.ingest.web import Fetched, FetchError, fetch, html_document, html_to_text


def feed_documents(
    content: bytes, input: str, options: IngestOptions, base_url: str | None = None
) -> Iterator[Document | Failure]:
    """The entries of a feed, in order; their pages are fetched a few at a time as they are read."""
    import feedparser  # imported on first use, like trafilatura

    # a file object, never bytes or str: feedparser treats those as a path or URL to open itself
    headers = {"content-location": base_url} if base_url else None
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    entries = (
        parsed.entries[: options.max_feed_entries] if options.max_feed_entries else parsed.entries
    )
    if not entries:
        if parsed.bozo:
            problem = " ".join(str(parsed.get("bozo_exception", "not a feed")).split())
            yield Failure(input=input, reason=f"malformed feed: {problem}")
        else:
            yield Failure(input=input, reason="feed has no entries")
        return
    warnings = ["feed is not well-formed; entries read leniently"] if parsed.bozo else []
    source = (parsed.feed.get("title") or "").strip() or None
    pages = _prefetch(entries, options)
    for number, entry in enumerate(entries, start=1):
        yield entry_document(entry, number, input, source, options, warnings, next(pages))


def _link(entry: Any) -> str:
    return (entry.get("link") or "").strip()


def fetch_entry_page(link: str, options: IngestOptions) -> Fetched | FetchError | None:
    """The entry's linked page, its fetch error, or None when entry pages are not fetched."""
    if not (options.fetch_feed_entries and link):
        return None
    try:
        return fetch(link, options)
    except FetchError as exc:
        return exc


def _prefetch(entries: list[Any], options: IngestOptions) -> Iterator[Fetched | FetchError | None]:
    """Each entry's page, in entry order, fetched `fetch_workers` at a time a little ahead of use.

    Only the network waits run in threads; extraction stays in the caller's thread.
    """
    if options.fetch_workers <= 1 or not options.fetch_feed_entries:
        for entry in entries:
            yield fetch_entry_page(_link(entry), options)
        return
    with ThreadPoolExecutor(max_workers=options.fetch_workers) as pool:
        pending: deque[Future[Fetched | FetchError | None]] = deque()
        for entry in entries:
            pending.append(pool.submit(fetch_entry_page, _link(entry), options))
            if len(pending) > options.fetch_workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def entry_document(
    entry: Any,
    number: int,
    feed_input: str,
    source: str | None,
    options: IngestOptions,
    warnings: list[str],
    page: Fetched | FetchError | None = None,
) -> Document | Failure:
    """One entry: its fetched page (`page`) when there is one, else its own content or summary."""
    link = _link(entry)
    where = link or f"{feed_input}#{number}"
    published = parse_date(entry.get("published_parsed") or entry.get("updated_parsed"))
    notes = list(warnings)
    if page is not None:
        if isinstance(page, FetchError):
            notes.append(f"could not fetch {link}: {page}; used the feed entry's own text")
            failure = Failure(input=where, reason=str(page))
        else:
            doc = html_document(
                page.content, options, id=link, input=where, url=page.url, warnings=notes
            )
            if isinstance(doc, Document):
                doc.source = source or doc.source
                doc.published = published or doc.published
                doc.meta["feed"] = feed_input
                return doc
            notes.append(f"no article text at {link}: {doc.reason}; used the feed entry's own text")
            failure = doc
    else:
        failure = Failure(
            input=where,
            reason="feed entry has no text" if link else "feed entry has no link and no text",
        )

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
