"""The report on the shipped sample article, analysed by the real default pipeline."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from narrascope import document_from_text
from narrascope.report.html import render_panels, write_report
from narrascope.report.marks import collect_marks
from narrascope.report.spans import render_article


def test_sample_article_report_through_default_pipeline(pipeline, sample_text: str, tmp_path: Path):
    doc = pipeline.analyze(document_from_text(sample_text, id="sample"))
    assert doc.entities, "the default pipeline should find entity mentions in the sample"
    out = tmp_path / "report.html"
    write_report([doc], out)
    html = out.read_text(encoding="utf-8")
    root = lxml.html.document_fromstring(html)

    assert root.xpath("//section/h2")[0].text_content() == doc.title
    paragraphs = root.xpath('//p[contains(@class, "ns-para")]')
    assert len(paragraphs) == len(doc.paragraphs)
    for p, para in zip(paragraphs, doc.paragraphs):
        assert p.text_content() == doc.text[para.start : para.end]
    # every mark's pieces join up to its text; every entity mention is drawn (as entity, actor or role)
    pieces: dict[str, list[str]] = {}
    for el in root.xpath('//span[contains(concat(" ", @class, " "), " sp ")]'):
        pieces.setdefault(el.get("data-s"), []).append(el.text_content())
    marks = collect_marks(doc)
    assert len(pieces) == len(marks)
    for i, mark in enumerate(marks):
        assert "".join(pieces[str(i)]) == "".join(doc.text[mark.start : mark.end].split("\n"))
    drawn_mentions = {(m.start, m.end) for m in marks if m.kind in ("entity", "actor", "role")}
    assert {(m.start, m.end) for m in doc.entities} <= drawn_mentions
    # a panel for each layer the pipeline filled, whichever analyzers the default config lists
    present = {
        "language": doc.language is not None,
        "genre": doc.genre is not None,
        "frames": doc.frames is not None and bool(doc.frames.labels or doc.frames.scores),
        "techniques": doc.techniques is not None
        and bool(doc.techniques.spans or doc.techniques.paragraphs),
        "narratives": doc.narratives is not None
        and bool(doc.narratives.narratives or doc.narratives.subnarratives),
        "explanation": doc.narratives is not None and doc.narratives.explanation is not None,
        "roles": bool(doc.roles),
        "relations": bool(doc.relations),
        "claims": bool(doc.claims),
        "entities": bool(doc.entities),
    }
    layers = {el.get("data-layer") for el in root.xpath("//details[@data-layer]")}
    assert layers == {layer for layer, filled in present.items() if filled}
    assert {"entities", "language"} <= layers
    assert len(root.xpath("//script")) == 1 and len(root.xpath("//style")) == 1
    # the web app reuses the same fragments
    assert render_article(doc) in html
    assert render_panels(doc) in html
