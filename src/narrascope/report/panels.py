"""Side panels: one collapsible box per layer the document carries, none for absent layers.

Scores are drawn with <meter> (no inline styles); evidence links jump to the paragraph or to the
anchor that `spans.render_paragraph` puts at a relation's or claim's first character.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from html import escape

from narrascope.document import Document, LabelScore, NarrativeLabel, Span
from narrascope.report.marks import Mark
from narrascope.report.palette import Palette
from narrascope.report.spans import doc_paragraphs, offset_anchor, paragraph_anchor, paragraph_of


def _panel(layer: str, title: str, body: str) -> str:
    return (
        f'<details class="ns-panel" data-layer="{layer}" open>'
        f"<summary>{escape(title)}</summary>{body}</details>"
    )


def _breakable(value: str) -> str:
    """Escaped, with break opportunities after underscores (long snake_case labels in narrow cells)."""
    return escape(value).replace("_", "_<wbr>")


def _meter(score: float) -> str:
    value = min(max(score, 0.0), 1.0)
    return f'<meter min="0" max="1" value="{value:.3f}"></meter> <span class="ns-num">{score:.2f}</span>'


def _score_rows(scores: Iterable[LabelScore], selected: Iterable[str] = ()) -> str:
    chosen = set(selected)
    rows = []
    for item in sorted(scores, key=lambda s: (-s.score, s.label)):
        cls = ' class="ns-selected"' if item.label in chosen else ""
        rows.append(f"<tr{cls}><th>{_breakable(item.label)}</th><td>{_meter(item.score)}</td></tr>")
    return f'<table class="ns-scores">{"".join(rows)}</table>' if rows else ""


def _chip(kind: str, label: str, palette: Palette) -> str:
    """A label in the colour its marks have in the text."""
    colour = palette.index(Mark(kind, label, 0, 0))
    return f'<span class="chip k-{kind} c{colour}">{escape(label)}</span>'


def _evidence_links(doc: Document, spans: Iterable[Span]) -> str:
    """Links to the paragraphs holding the evidence, one per paragraph."""
    paragraphs = doc_paragraphs(doc)
    indices = sorted(
        {p.index for s in spans if (p := paragraph_of(paragraphs, s.start)) is not None}
    )
    return " ".join(f'<a href="#{paragraph_anchor(doc, i)}">¶{i}</a>' for i in indices)


def _offset_link(doc: Document, start: int, text: str, kind: str) -> str:
    """A link to the anchor at `start`; `data-kind` lets the script light that kind's mark there."""
    if paragraph_of(doc_paragraphs(doc), start) is None:
        return escape(text)
    return f'<a href="#{offset_anchor(doc, start)}" data-kind="{kind}">{escape(text)}</a>'


def _excerpt(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def language_panel(doc: Document) -> str:
    if doc.language is None:
        return ""
    body = f"<p><b>{escape(doc.language.code)}</b> {_meter(doc.language.score)}</p>"
    return _panel("language", "Language", body)


def genre_panel(doc: Document) -> str:
    if doc.genre is None:
        return ""
    scores = doc.genre.scores or [LabelScore(label=doc.genre.label, score=doc.genre.score)]
    body = f"<p><b>{escape(doc.genre.label)}</b></p>" + _score_rows(scores, [doc.genre.label])
    return _panel("genre", "Genre", body)


def frames_panel(doc: Document) -> str:
    if doc.frames is None or not (doc.frames.labels or doc.frames.scores):
        return ""
    chosen = ", ".join(_breakable(label) for label in doc.frames.labels) or "none above threshold"
    body = f"<p><b>{chosen}</b></p>" + _score_rows(doc.frames.scores, doc.frames.labels)
    return _panel("frames", "Frames", body)


def techniques_panel(doc: Document, palette: Palette) -> str:
    layer = doc.techniques
    if layer is None or not (layer.spans or layer.paragraphs):
        return ""
    parts = []
    counts = Counter(span.technique for span in layer.spans)
    if counts:
        items = "".join(
            f"<li>{_chip('technique', label, palette)} {n}</li>"
            for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        parts.append(f'<p class="ns-sub">Spans</p><ul class="ns-plain">{items}</ul>')
    labelled = [p for p in layer.paragraphs if p.labels]
    if labelled:
        rows = []
        for para in labelled:
            labels = ", ".join(
                f'{escape(s.label)} <span class="ns-num">{s.score:.2f}</span>'
                for s in sorted(para.labels, key=lambda s: (-s.score, s.label))
            )
            link = f'<a href="#{paragraph_anchor(doc, para.paragraph)}">¶{para.paragraph}</a>'
            rows.append(f"<tr><th>{link}</th><td>{labels}</td></tr>")
        parts.append(
            f'<p class="ns-sub">By paragraph</p><table class="ns-table">{"".join(rows)}</table>'
        )
    return _panel("techniques", "Persuasion techniques", "".join(parts))


def _narrative_item(doc: Document, item: NarrativeLabel) -> str:
    links = _evidence_links(doc, item.evidence)
    return (
        f'<div class="ns-narr"><div>{escape(item.label)}</div><div>{_meter(item.score)}'
        + (f' <span class="ns-links">{links}</span>' if links else "")
        + "</div></div>"
    )


def narratives_panel(doc: Document) -> str:
    layer = doc.narratives
    if layer is None or not (layer.narratives or layer.subnarratives):
        return ""
    children: dict[str | None, list[NarrativeLabel]] = defaultdict(list)
    for sub in layer.subnarratives:
        children[sub.parent].append(sub)
    parts = [
        f'<p class="ns-sub">Taxonomy: {escape(layer.taxonomy)}'
        + (f", domain: {escape(layer.domain)}" if layer.domain else "")
        + "</p>"
    ]
    parts.append('<ul class="ns-tree">')
    for narrative in layer.narratives:
        parts.append(f"<li>{_narrative_item(doc, narrative)}")
        subs = children.pop(narrative.label, [])
        if subs:
            parts.append(
                "<ul>" + "".join(f"<li>{_narrative_item(doc, s)}</li>" for s in subs) + "</ul>"
            )
        parts.append("</li>")
    # subnarratives whose parent was not selected still show, under their own heading
    for parent, subs in sorted(children.items(), key=lambda kv: kv[0] or ""):
        heading = escape(parent) if parent else "(no parent)"
        parts.append(f'<li><div class="ns-narr ns-muted">{heading}</div><ul>')
        parts.append("".join(f"<li>{_narrative_item(doc, s)}</li>" for s in subs) + "</ul></li>")
    parts.append("</ul>")
    if layer.candidates:
        parts.append('<p class="ns-sub">Closest, not chosen</p><ul class="ns-tree ns-muted">')
        parts.append(
            "".join(f"<li>{_narrative_item(doc, c)}</li>" for c in layer.candidates) + "</ul>"
        )
    return _panel("narratives", "Narratives", "".join(parts))


def explanation_panel(doc: Document) -> str:
    if doc.narratives is None or doc.narratives.explanation is None:
        return ""
    exp = doc.narratives.explanation
    about = escape(exp.narrative) + (f" › {escape(exp.subnarrative)}" if exp.subnarrative else "")
    links = _evidence_links(doc, exp.evidence)
    body = f'<p class="ns-sub">{about}</p><p>{escape(exp.text)}</p>'
    if links:
        body += f'<p class="ns-links">Evidence: {links}</p>'
    return _panel("explanation", "Explanation", body)


def roles_panel(doc: Document, palette: Palette) -> str:
    if not doc.roles:
        return ""
    rows = []
    for profile in sorted(doc.roles, key=lambda p: (-len(p.mentions), p.entity)):
        who = escape(profile.entity) + (
            f' <span class="ns-muted">{escape(profile.actor)}</span>' if profile.actor else ""
        )
        fine = "<br>".join(
            f'{escape(r.label)} <span class="ns-num">{r.score:.2f}</span>'
            for r in sorted(profile.fine_roles, key=lambda r: (-r.score, r.label))[:4]
        )
        rows.append(
            f"<tr><th>{who}</th><td>{_chip('role', profile.main_role, palette)}</td>"
            f'<td>{fine}</td><td class="ns-num">{len(profile.mentions)}</td></tr>'
        )
    head = "<tr><th>Entity</th><th>Main role</th><th>Fine roles</th><th>Mentions</th></tr>"
    return _panel("roles", "Roles", f'<table class="ns-table">{head}{"".join(rows)}</table>')


def relations_panel(doc: Document) -> str:
    if not doc.relations:
        return ""
    paragraphs = doc_paragraphs(doc)
    head = "<tr><th>Source</th><th>Type</th><th>Target</th><th>Object</th></tr>"
    rows = []
    for rel in doc.relations:
        cells = "".join(
            f"<td>{_breakable(c)}</td>" for c in (rel.source, rel.type, rel.target, rel.object)
        )
        details = [escape(rel.modality)]
        if rel.attribution:
            details.append(f"according to {escape(rel.attribution)}")
        details.append(f'<span class="ns-num">{rel.confidence:.2f}</span>')
        para = paragraph_of(paragraphs, rel.start)
        if para is not None:
            details.append(
                f'<a href="#{offset_anchor(doc, rel.start)}" data-kind="relation" title="{escape(rel.sentence)}">¶{para.index}</a>'
            )
        rows.append(
            f'<tr class="ns-rel">{cells}</tr><tr class="ns-detail"><td colspan="4">{" · ".join(details)}</td></tr>'
        )
    note = '<p class="ns-sub">modality · according to · confidence · evidence sentence</p>'
    table = f'{note}<table class="ns-table ns-small">{head}{"".join(rows)}</table>'
    return _panel("relations", f"Relations ({len(doc.relations)})", table)


def claims_panel(doc: Document, palette: Palette) -> str:
    if not doc.claims:
        return ""
    items = []
    for claim in doc.claims:
        meta = escape(claim.modality) + (
            f", according to {escape(claim.attribution)}" if claim.attribution else ""
        )
        chip = _chip("claim", claim.kind, palette)
        items.append(
            f'<li>{chip} <span class="ns-muted">{meta}</span> <span class="ns-num">{claim.score:.2f}</span>'
            f"<br>{_offset_link(doc, claim.start, _excerpt(claim.text), 'claim')}</li>"
        )
    return _panel(
        "claims",
        f"Claims ({len(doc.claims)})",
        f'<ul class="ns-plain ns-claims">{"".join(items)}</ul>',
    )


def entities_panel(doc: Document) -> str:
    if not doc.entities:
        return ""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for mention in doc.entities:
        groups[mention.label][mention.entity] += 1
    rows = []
    for label in sorted(groups):
        names = ", ".join(
            escape(name) + (f' <span class="ns-num">×{n}</span>' if n > 1 else "")
            for name, n in sorted(groups[label].items(), key=lambda kv: (-kv[1], kv[0]))
        )
        rows.append(f"<tr><th>{escape(label)}</th><td>{names}</td></tr>")
    return _panel(
        "entities",
        f"Entities ({len(doc.entities)})",
        f'<table class="ns-table">{"".join(rows)}</table>',
    )


def render_panels(doc: Document, palette: Palette | None = None) -> str:
    """The side panels fragment for one document."""
    palette = palette or Palette.for_docs([doc])
    panels = [
        genre_panel(doc),
        frames_panel(doc),
        narratives_panel(doc),
        explanation_panel(doc),
        techniques_panel(doc, palette),
        roles_panel(doc, palette),
        relations_panel(doc),
        claims_panel(doc, palette),
        entities_panel(doc),
        language_panel(doc),
    ]
    return '<aside class="ns-panels">' + "".join(p for p in panels if p) + "</aside>"
