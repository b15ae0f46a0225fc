"""Overlapping spans -> HTML: the article text with every layer's marks as stacked underlines.

Per paragraph, marks are clipped to the paragraph and given rows so that overlapping marks never
share one (first-fit by start offset: the fewest rows an interval graph allows). The text is cut
at every mark boundary; each segment is written once, wrapped in one nested <span> per mark that
covers it, and each of those draws its underline at its own row depth. A mark inside another,
or two partially overlapping marks, therefore stay visible side by side, and the output grows
with the number of boundaries, never with the number of characters.

All text and labels go through `html.escape`; nothing from the document is emitted raw.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import Counter, deque
from dataclasses import dataclass
from html import escape

from narrascope.document import Document, Paragraph
from narrascope.report.marks import KIND_TITLES, KINDS, Mark, collect_marks
from narrascope.report.palette import Palette
from narrascope.text.segment import paragraphs as split_paragraphs

# rows beyond this share the last row (assets.css() generates r0..r15 and rows-1..rows-16)
MAX_ROWS = 16
# kinds whose start offsets get an anchor, so panels can link to the sentence
ANCHORED_KINDS = frozenset({"relation", "claim", "narrative"})


@dataclass(frozen=True)
class Placed:
    """A mark clipped to one paragraph, with its row and its index in the document's mark list."""

    mark: Mark
    ident: int
    start: int
    end: int
    row: int


def doc_anchor(doc: Document) -> str:
    """A stable HTML id prefix for a document (ids must not depend on the raw document id's characters)."""
    return "ns-" + hashlib.sha1(doc.id.encode("utf-8")).hexdigest()[:10]


def doc_paragraphs(doc: Document) -> list[Paragraph]:
    """The document's paragraphs; when segmentation did not run, its non-blank lines."""
    return doc.paragraphs or split_paragraphs(doc.text)


def paragraph_of(paragraphs: list[Paragraph], offset: int) -> Paragraph | None:
    """The paragraph containing `offset`, if any."""
    i = bisect_right([p.start for p in paragraphs], offset) - 1
    if i >= 0 and paragraphs[i].start <= offset < paragraphs[i].end:
        return paragraphs[i]
    return None


def offset_anchor(doc: Document, offset: int) -> str:
    return f"{doc_anchor(doc)}-o{offset}"


def paragraph_anchor(doc: Document, index: int) -> str:
    return f"{doc_anchor(doc)}-p{index}"


def assign_rows(intervals: list[tuple[int, int]]) -> list[int]:
    """Row per interval such that intervals sharing a row never overlap (end exclusive).

    Intervals are taken by start (longer first on ties) and put in the lowest row whose last
    interval has ended; for intervals this uses exactly as many rows as the deepest overlap.
    """
    order = sorted(range(len(intervals)), key=lambda i: (intervals[i][0], -intervals[i][1], i))
    row_ends: list[int] = []
    rows = [0] * len(intervals)
    for i in order:
        start, end = intervals[i]
        for row, last_end in enumerate(row_ends):
            if last_end <= start:
                rows[i] = row
                row_ends[row] = end
                break
        else:
            rows[i] = len(row_ends)
            row_ends.append(end)
    return rows


def place_marks(marks: list[Mark], paragraph: Paragraph) -> list[Placed]:
    """The marks overlapping `paragraph`, clipped to it, with rows."""
    kind_rank = {kind: i for i, kind in enumerate(KINDS)}
    inside = [
        (i, max(m.start, paragraph.start), min(m.end, paragraph.end))
        for i, m in enumerate(marks)
        if m.start < paragraph.end and m.end > paragraph.start
    ]
    # ties on offsets: keep the kinds in a fixed order so rows are stable
    inside.sort(
        key=lambda item: (item[1], -item[2], kind_rank.get(marks[item[0]].kind, 99), item[0])
    )
    rows = assign_rows([(start, end) for _, start, end in inside])
    return [Placed(marks[i], i, start, end, row) for (i, start, end), row in zip(inside, rows)]


def _open_tag(placed: Placed, colour: int) -> str:
    mark = placed.mark
    title = f"{KIND_TITLES.get(mark.kind, mark.kind)}: {mark.title}"
    row = min(placed.row, MAX_ROWS - 1)
    return (
        f'<span class="sp k-{mark.kind} c{colour} r{row}" data-s="{placed.ident}" '
        f'title="{escape(title)}">'
    )


def render_paragraph(
    doc: Document, paragraph: Paragraph, marks: list[Mark], palette: Palette
) -> str:
    """One <p> with the paragraph's text cut at mark boundaries and wrapped in nested marks."""
    placed = place_marks(marks, paragraph)
    cuts = sorted(
        {paragraph.start, paragraph.end, *(p.start for p in placed), *(p.end for p in placed)}
    )
    anchors = {
        p.mark.start for p in placed if p.mark.kind in ANCHORED_KINDS and p.start == p.mark.start
    }
    depth = max((p.row + 1 for p in placed), default=0)
    is_title = (
        paragraph.index == 0 and doc.title.strip() == doc.text[paragraph.start : paragraph.end]
    )
    classes = f"ns-para rows-{min(depth, MAX_ROWS)}" + (" ns-title" if is_title else "")
    out = [
        f'<p class="{classes}" id="{paragraph_anchor(doc, paragraph.index)}" data-p="{paragraph.index}">'
    ]
    # sweep the cuts left to right, keeping the marks that cover the current segment
    waiting = deque(sorted(placed, key=lambda p: p.start))
    active: list[Placed] = []
    for a, b in zip(cuts, cuts[1:]):
        if a in anchors:
            out.append(f'<a class="ns-anchor" id="{offset_anchor(doc, a)}"></a>')
        active = [p for p in active if p.end > a]
        while waiting and waiting[0].start == a:
            active.append(waiting.popleft())
        covering = sorted(active, key=lambda p: p.row)
        out.extend(_open_tag(p, palette.index(p.mark)) for p in covering)
        out.append(escape(doc.text[a:b]))
        out.append("</span>" * len(covering))
    out.append("</p>")
    return "".join(out)


def render_legend(doc: Document, palette: Palette) -> str:
    """Per kind: a toggle with its count, then a swatch per colour with its count."""
    marks = collect_marks(doc, merge=False)
    if not marks:
        return ""
    by_kind: dict[str, Counter[str]] = {}
    sample: dict[tuple[str, str], Mark] = {}
    for mark in marks:
        by_kind.setdefault(mark.kind, Counter())[mark.colour_key] += 1
        sample.setdefault((mark.kind, mark.colour_key), mark)
    out = ['<div class="ns-legend">']
    for kind in KINDS:
        counts = by_kind.get(kind)
        if not counts:
            continue
        out.append(f'<div class="ns-legend-kind" data-kind="{kind}">')
        out.append(
            f'<label class="ns-toggle-label"><input type="checkbox" class="ns-toggle" data-kind="{kind}" checked> '
            f'{escape(KIND_TITLES[kind])} <span class="ns-count">({counts.total()})</span></label>'
        )
        for key in sorted(counts):
            colour = palette.index(sample[(kind, key)])
            out.append(
                f'<span class="sw k-{kind} c{colour}">{escape(key)} <span class="ns-count">{counts[key]}</span></span>'
            )
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


def render_article(doc: Document, palette: Palette | None = None) -> str:
    """The article as an HTML fragment: legend with layer toggles, then paragraphs with marks.

    `palette` shares colours across the articles of one page; by default colours are chosen for
    this document alone.
    """
    marks = collect_marks(doc)
    palette = palette or Palette(marks)
    parts = [f'<div class="ns-article" id="{doc_anchor(doc)}-text">', render_legend(doc, palette)]
    parts.append('<div class="ns-text">')
    parts.extend(render_paragraph(doc, p, marks, palette) for p in doc_paragraphs(doc))
    parts.append("</div></div>")
    return "".join(parts)
