"""The self-contained HTML report: one page, every article with its layers, readable offline.

The page carries its stylesheet and script inline and a Content-Security-Policy that allows only
those two blocks (by hash) and nothing from the network, so even a slip in escaping could neither
run a script nor fetch anything. The output is deterministic: no clock, sorted orders.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from html import escape
from pathlib import Path

from narrascope import __version__
from narrascope.atomic import atomic_text
from narrascope.document import Document
from narrascope.report import assets
from narrascope.report.marks import Mark, collect_marks
from narrascope.report.palette import Palette
from narrascope.report.panels import render_panels
from narrascope.report.spans import doc_anchor, render_article

__all__ = ["render_report", "write_report", "render_panels", "render_section", "iter_report"]

DEFAULT_TITLE = "narrascope report"
TOC_OPEN_MAX = 50


def _csp_hash(source: str) -> str:
    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")
        + "'"
    )


def _head(title: str, css: str, js: str) -> str:
    policy = (
        f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(title)}</title>\n<style>{css}</style>\n</head>\n"
    )


def _display_title(doc: Document) -> str:
    return doc.title.strip() or doc.id


def _metadata(doc: Document) -> str:
    fields = [("id", doc.id)]
    if doc.source:
        fields.append(("source", doc.source))
    if doc.url:
        fields.append(("url", doc.url))  # shown as text, never as a link: the page loads nothing
    if doc.published:
        fields.append(("published", doc.published.isoformat()))
    if doc.language:
        fields.append(("language", f"{doc.language.code} ({doc.language.score:.2f})"))
    fields.append(("characters", str(len(doc.text))))
    if doc.analyzers:
        fields.append(("analyzers", ", ".join(doc.analyzers)))
    items = "".join(
        f"<div><dt>{escape(k)}</dt><dd><code>{escape(v)}</code></dd></div>" for k, v in fields
    )
    return f'<dl class="ns-meta">{items}</dl>'


def render_section(doc: Document, palette: Palette | None = None) -> str:
    """One article: heading, metadata, warnings, then the marked text beside the panels."""
    palette = palette or Palette.for_docs([doc])
    parts = [
        f'<section class="ns-doc" id="{doc_anchor(doc)}">',
        f"<h2>{escape(_display_title(doc))}</h2>",
    ]
    parts.append(_metadata(doc))
    if doc.warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in doc.warnings)
        parts.append(f'<ul class="ns-warnings">{items}</ul>')
    if doc.unavailable:
        items = "".join(
            f"<li><b>{escape(layer)}</b>: {escape(reason)}</li>"
            for layer, reason in doc.unavailable.items()
        )
        parts.append(f'<ul class="ns-unavailable" title="not analysed">{items}</ul>')
    parts.append('<div class="ns-body">')
    parts.append(render_article(doc, palette))
    parts.append(render_panels(doc, palette))
    parts.append("</div></section>\n")
    return "".join(parts)


def _toc(entries: list[tuple[str, str, str]]) -> str:
    items = []
    for anchor, title, genre in entries:
        extra = f' <span class="ns-muted">· {escape(genre)}</span>' if genre else ""
        items.append(f'<li><a href="#{anchor}">{escape(title)}</a>{extra}</li>')
    # a long list starts folded so the first article is on the first screen
    state = " open" if len(entries) <= TOC_OPEN_MAX else ""
    return (
        f'<nav class="ns-toc"><details{state}><summary>Articles ({len(entries)})</summary>'
        f"<ol>{''.join(items)}</ol></details></nav>\n"
    )


class _Spool:
    """Documents from a one-shot iterable, kept in a temporary file so they can be read twice
    (the page needs the table of contents and the colours before the first article) without
    holding a large run in memory."""

    def __init__(self, docs: Iterable[Document]) -> None:
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in close())
        self._source = iter(docs)

    def first_pass(self) -> Iterator[Document]:
        for doc in self._source:
            self._file.write(doc.model_dump_json() + "\n")
            yield doc

    def second_pass(self) -> Iterator[Document]:
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            yield Document.model_validate_json(line)
        self._file.close()


def iter_report(docs: Iterable[Document], title: str | None = None) -> Iterator[str]:
    """The page in chunks, so large reports are written without one giant string.

    A list is read twice; any other iterable (a generator over a run's results) is spooled to a
    temporary file on the first pass, so memory stays flat however many articles there are.
    """
    title = title or DEFAULT_TITLE
    spool = None if isinstance(docs, Sequence) else _Spool(docs)
    first: Iterable[Document] = docs if spool is None else spool.first_pass()
    toc: list[tuple[str, str, str]] = []
    colour_keys: dict[tuple[str, str], Mark] = {}
    for doc in first:
        toc.append((doc_anchor(doc), _display_title(doc), doc.genre.label if doc.genre else ""))
        for mark in collect_marks(doc):
            colour_keys.setdefault((mark.kind, mark.colour_key), mark)
    palette = Palette(colour_keys.values())
    css, js = assets.css(), assets.js()
    yield _head(title, css, js)
    yield '<body>\n<div class="ns-page">\n<header class="ns-header">'
    count = f"{len(toc)} article" + ("" if len(toc) == 1 else "s")
    yield f"<h1>{escape(title)}</h1><p>{count}. Hover over an underline for its labels; click to pin.</p></header>\n"
    if len(toc) > 1:
        yield _toc(toc)
    if not toc:
        yield "<p>No articles.</p>\n"
    for doc in docs if spool is None else spool.second_pass():
        yield render_section(doc, palette)
    yield f'<footer class="ns-footer">Generated by narrascope {escape(__version__)}.</footer>\n</div>\n'
    yield f"<script>{js}</script>\n</body>\n</html>\n"


def render_report(docs: Iterable[Document], title: str | None = None) -> str:
    """The whole report page as one string."""
    return "".join(iter_report(docs, title))


def write_report(docs: Iterable[Document], path: Path, title: str | None = None) -> None:
    """Write the report page to `path` (UTF-8), creating parent folders; the page replaces an
    existing file only once it is complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_text(path) as out:
        for chunk in iter_report(docs, title):
            out.write(chunk)
