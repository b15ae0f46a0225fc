"""The HTML report and the span renderer, on hand-built documents with every layer filled.

Pages are checked with a real HTML parser (lxml): every mark's text comes back wrapped with its
label, overlapping marks are all present, panels exist only for present layers, nothing from the
document is emitted raw, and nothing points outside the page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import lxml.html
import pytest

from narrascope.document import (
    ActorMention,
    Claim,
    Document,
    EntityMention,
    Explanation,
    FrameLayer,
    Genre,
    LabelScore,
    Language,
    NarrativeLabel,
    NarrativeLayer,
    ParagraphTechniques,
    Relation,
    RoleMention,
    RoleProfile,
    TechniqueLayer,
    TechniqueSpan,
)
from narrascope.report import assets
from narrascope.report.html import render_panels, render_report, write_report
from narrascope.report.marks import collect_marks
from narrascope.report.spans import assign_rows, render_article
from narrascope.text.segment import segment

TITLE = "Ministers <script>alert('title')</script> trade barbs"
BODY = [
    "Northland accused Southland of shipping rockets to the rebels, officials said on Monday.",
    "The council condemned the strikes & demanded an immediate halt <script>alert(1)</script> to all deliveries.",
    "Critics call the deal a reckless gamble that will drag the whole region into war.",
]
TEXT = TITLE + "\n\n" + "\n\n".join(BODY)


def _at(doc: Document, phrase: str) -> tuple[int, int]:
    start = doc.text.index(phrase)
    return start, start + len(phrase)


def _sentence_containing(doc: Document, phrase: str):
    start, _ = _at(doc, phrase)
    return next(s for s in doc.sentences if s.start <= start < s.end)


def layered_doc(text: str = TEXT, doc_id: str = "doc-1") -> Document:
    """A document with every layer filled, including nested and partially overlapping spans."""
    doc = Document(
        id=doc_id,
        title=text.split("\n", 1)[0],
        text=text,
        source="Example Wire",
        url=None,
        published=date(2024, 5, 1),
    )
    doc.paragraphs, doc.sentences = segment(text)
    doc.language = Language(code="en", score=0.99)

    def span(phrase: str) -> dict:
        start, end = _at(doc, phrase)
        return {"start": start, "end": end, "text": text[start:end]}

    def para(phrase: str) -> int:
        start, _ = _at(doc, phrase)
        return next(p.index for p in doc.paragraphs if p.start <= start < p.end)

    doc.techniques = TechniqueLayer(
        spans=[
            # "reckless" sits inside "a reckless gamble" (nested); "reckless gamble that will drag"
            # partially overlaps "drag the whole region into war"
            TechniqueSpan(
                **span("a reckless gamble"),
                technique="Loaded Language",
                score=0.81,
                paragraph=para("reckless"),
            ),
            TechniqueSpan(
                **span("reckless"),
                technique="Name Calling-Labeling",
                score=0.52,
                paragraph=para("reckless"),
            ),
            TechniqueSpan(
                **span("gamble that will drag"),
                technique="Exaggeration",
                score=0.44,
                paragraph=para("reckless"),
            ),
            TechniqueSpan(
                **span("drag the whole region into war"),
                technique="Appeal to Fear",
                score=0.73,
                paragraph=para("reckless"),
            ),
        ],
        paragraphs=[
            ParagraphTechniques(
                paragraph=para("reckless"),
                start=doc.paragraphs[para("reckless")].start,
                end=doc.paragraphs[para("reckless")].end,
                labels=[LabelScore(label="Loaded Language", score=0.8)],
            )
        ],
    )
    doc.genre = Genre(
        label="reporting",
        score=0.7,
        scores=[
            LabelScore(label=name, score=s)
            for name, s in [("reporting", 0.7), ("opinion", 0.25), ("satire", 0.05)]
        ],
    )
    doc.frames = FrameLayer(
        labels=["Security_and_defense"],
        scores=[
            LabelScore(label="Security_and_defense", score=0.9),
            LabelScore(label="Economic", score=0.1),
            LabelScore(label="Legality_Constitutionality_and_jurisprudence", score=0.4),
        ],
    )
    doc.entities = [
        EntityMention(**span("Northland"), label="GPE", entity="Northland"),
        EntityMention(**span("Southland"), label="GPE", entity="Southland"),
        EntityMention(**span("The council"), label="ORG", entity="council"),
    ]
    doc.roles = [
        RoleProfile(
            entity="Southland",
            main_role="Antagonist",
            main_scores=[LabelScore(label="Antagonist", score=0.8)],
            fine_roles=[LabelScore(label="Instigator", score=0.6)],
            mentions=[
                RoleMention(
                    **span("Southland"),
                    main_role="Antagonist",
                    main_score=0.8,
                    fine_roles=[LabelScore(label="Instigator", score=0.6)],
                )
            ],
        )
    ]
    doc.actors = [
        ActorMention(**span("Northland"), actor="NTH", kind="state"),
        ActorMention(**span("Southland"), actor="STH", kind="state"),
    ]
    first = _sentence_containing(doc, "shipping rockets")
    doc.relations = [
        Relation(
            source="STH",
            type="supply_weapons",
            target="REBELS",
            object="rockets",
            modality="alleged",
            attribution="Northland",
            start=first.start,
            end=first.end,
            sentence=text[first.start : first.end],
            confidence=0.8,
        ),
        Relation(
            source="NTH",
            type="accuse",
            target="STH",
            modality="reported",
            attribution="officials",
            start=first.start,
            end=first.end,
            sentence=text[first.start : first.end],
            confidence=0.6,
        ),
    ]
    second = _sentence_containing(doc, "condemned")
    doc.claims = [
        Claim(
            start=second.start,
            end=second.end,
            text=text[second.start : second.end],
            kind="call_to_action",
            modality="called_for",
            attribution="The council",
            score=0.66,
        ),
    ]
    doc.narratives = NarrativeLayer(
        taxonomy="test-taxonomy",
        narratives=[
            NarrativeLabel(
                label="Blaming the neighbour",
                level="narrative",
                score=0.6,
                evidence=[doc.span(first.start, first.end)],
            )
        ],
        subnarratives=[
            NarrativeLabel(
                label="Neighbour arms rebels",
                level="subnarrative",
                parent="Blaming the neighbour",
                score=0.5,
                evidence=[doc.span(*_at(doc, "shipping rockets to the rebels"))],
            )
        ],
        explanation=Explanation(
            narrative="Blaming the neighbour",
            text="Southland is said to <b>arm</b> rebels.",
            evidence=[doc.span(first.start, first.end)],
        ),
    )
    doc.warnings = ["decoded with replacement <script>alert('warn')</script>"]
    assert doc.check_offsets() == []
    return doc


def _parse(html: str):
    return lxml.html.document_fromstring(html)


def _pieces_by_mark(root) -> dict[str, list]:
    pieces: dict[str, list] = defaultdict(list)
    for el in root.xpath('//span[contains(concat(" ", @class, " "), " sp ")]'):
        pieces[el.get("data-s")].append(el)
    return pieces


def _marks(root, kind: str) -> list:
    """The mark pieces of one kind drawn in the text (not the legend's swatches)."""
    return root.xpath(
        f'//span[contains(concat(" ", @class, " "), " sp ") and contains(@class, "k-{kind}")]'
    )


def _own_text(el) -> str:
    """The text of a piece, whatever marks are nested inside it."""
    return el.text_content()


# --- row assignment ----------------------------------------------------------------------


def test_rows_never_overlap_and_use_the_deepest_overlap():
    intervals = [(0, 10), (2, 5), (4, 8), (9, 12), (12, 15), (20, 21)]
    rows = assign_rows(intervals)
    for i, (a0, a1) in enumerate(intervals):
        for j, (b0, b1) in enumerate(intervals):
            if i < j and a0 < b1 and b0 < a1:
                assert rows[i] != rows[j], (intervals[i], intervals[j])
    assert max(rows) + 1 == 3  # (0,10), (2,5) and (4,8) all cover offset 4
    assert rows[intervals.index((12, 15))] == 0  # end-exclusive: touching intervals share a row


def test_rows_empty_and_deterministic():
    assert assign_rows([]) == []
    intervals = [(5, 9), (0, 9), (5, 9)]
    assert assign_rows(intervals) == assign_rows(list(intervals)) == [1, 0, 2]


# --- the article fragment ---------------------------------------------------------------


def test_every_mark_text_is_wrapped_with_its_label():
    doc = layered_doc()
    marks = collect_marks(doc)
    root = _parse(f"<html><body>{render_article(doc)}</body></html>")
    pieces = _pieces_by_mark(root)
    assert len(pieces) == len(marks)
    for ident, mark in enumerate(marks):
        els = pieces[str(ident)]
        assert els, mark
        joined = "".join(_own_text(el) for el in els)
        # a mark may cross paragraph breaks: its pieces hold its text without the blank lines
        assert joined == "".join(doc.text[mark.start : mark.end].split("\n")), mark
        assert all(mark.label in el.get("title") for el in els)
        assert all(f"k-{mark.kind}" in el.get("class").split() for el in els)


def test_all_layers_reach_the_text():
    doc = layered_doc()
    kinds = {m.kind for m in collect_marks(doc)}
    assert kinds == {"technique", "role", "entity", "actor", "relation", "claim", "narrative"}
    root = _parse(render_article(doc))
    for kind in kinds:
        assert _marks(root, kind), kind
        assert root.xpath(f'//input[@class="ns-toggle" and @data-kind="{kind}"]'), kind
    # an entity mention that carries a role is drawn once, as the role
    titles = [
        el.get("title")
        for el in root.xpath('//span[contains(@class, "sp")]')
        if el.text_content() == "Southland"
    ]
    assert any("Antagonist" in t for t in titles)
    assert not any(t.startswith("Entities:") for t in titles)
    # and one that is an actor is drawn as the actor, its entity type in the tooltip
    titles = [el.get("title") for el in _marks(root, "") if el.text_content() == "Northland"]
    assert "Actors: NTH · state, GPE" in titles
    assert not any(t.startswith("Entities:") for t in titles)


def test_nested_and_partial_overlaps_stay_visible_on_separate_rows():
    doc = layered_doc()
    root = _parse(render_article(doc))

    def rows_over(word: str) -> dict[str, int]:
        """Technique label -> row for the marks enclosing the innermost piece whose text is `word`."""
        el = next(
            e
            for e in _marks(root, "technique")
            if e.text_content() == word and not e.xpath("./span")
        )
        out = {}
        while el is not None and el.tag == "span":
            row = next(int(c[1:]) for c in el.get("class").split() if re.fullmatch(r"r\d+", c))
            out[el.get("title").split(": ", 1)[1].split(" · ")[0]] = row
            el = el.getparent()
        return out

    nested = rows_over("reckless")
    assert set(nested) == {"Loaded Language", "Name Calling-Labeling"}
    assert len(set(nested.values())) == 2
    partial = rows_over(
        "drag"
    )  # inside both "gamble that will drag" and "drag the whole region..."
    assert set(partial) == {"Exaggeration", "Appeal to Fear"}
    assert len(set(partial.values())) == 2


def test_relations_on_one_sentence_share_one_bar_with_both_labels():
    doc = layered_doc()
    root = _parse(render_article(doc))
    titles = {el.get("title") for el in _marks(root, "relation")}
    assert len(titles) == 1
    (title,) = titles
    assert "STH supply_weapons REBELS" in title and "NTH accuse STH" in title


def test_mark_across_paragraphs_is_drawn_in_each():
    doc = layered_doc()
    start = doc.text.index("officials said")
    end = doc.text.index("The council condemned") + len("The council")
    doc.claims.append(
        Claim(start=start, end=end, text=doc.text[start:end], kind="factual", score=0.3)
    )
    root = _parse(render_article(doc))
    paras = {
        el.xpath("ancestor::p")[0].get("data-p")
        for el in _marks(root, "claim")
        if "factual" in el.get("title")
    }
    assert paras == {"1", "2"}


def test_invalid_offsets_are_skipped_not_fatal():
    doc = layered_doc()
    doc.claims.append(
        Claim.model_construct(
            start=5,
            end=10_000,
            text="x",
            kind="opinion",
            modality="asserted",
            attribution="",
            score=0.1,
        )
    )
    html = render_article(doc)
    assert "opinion" not in html
    assert _parse(html).xpath('//span[contains(@class, "k-claim")]')


def test_text_without_segmentation_still_renders():
    doc = Document(id="plain", text="Headline\n\nFirst line.\nSecond line.")
    root = _parse(render_article(doc))
    assert [p.text_content() for p in root.xpath("//p")] == [
        "Headline",
        "First line.",
        "Second line.",
    ]


# --- panels ------------------------------------------------------------------------------


def test_panels_for_present_layers_only():
    full = _parse(render_panels(layered_doc()))
    layers = {el.get("data-layer") for el in full.xpath("//details[@data-layer]")}
    assert layers == {
        "genre",
        "frames",
        "narratives",
        "explanation",
        "techniques",
        "roles",
        "relations",
        "claims",
        "entities",
        "language",
    }
    bare = Document(id="bare", text="Title\n\nNothing here.")
    assert "data-layer" not in render_panels(bare)
    only_genre = Document(id="g", text="Title\n\nBody.", genre=Genre(label="satire", score=0.9))
    assert {
        el.get("data-layer") for el in _parse(render_panels(only_genre)).xpath("//details")
    } == {"genre"}


def test_panel_contents():
    doc = layered_doc()
    root = _parse(render_panels(doc))
    genre = root.xpath('//details[@data-layer="genre"]')[0]
    assert [th.text_content() for th in genre.xpath(".//th")] == ["reporting", "opinion", "satire"]
    assert len(genre.xpath(".//meter")) == 3
    relations = root.xpath('//details[@data-layer="relations"]')[0].text_content()
    for value in ("STH", "supply_weapons", "REBELS", "rockets", "alleged", "Northland"):
        assert value in relations
    roles = root.xpath('//details[@data-layer="roles"]')[0].text_content()
    assert "Southland" in roles and "Antagonist" in roles and "Instigator" in roles
    narratives = root.xpath('//details[@data-layer="narratives"]')[0]
    assert "Neighbour arms rebels" in narratives.text_content()
    assert narratives.xpath(".//a[@href]")
    assert "Closest, not chosen" not in narratives.text_content()
    doc.narratives.candidates = [
        NarrativeLabel(label="Neighbour <i>lies</i>", level="narrative", score=0.2)
    ]
    narratives = _parse(render_panels(doc)).xpath('//details[@data-layer="narratives"]')[0]
    assert (
        "Closest, not chosen" in narratives.text_content()
        and "Neighbour <i>lies</i>" in narratives.text_content()
    )
    assert not narratives.xpath(".//i")
    explanation = root.xpath('//details[@data-layer="explanation"]')[0]
    assert "<b>arm</b>" in explanation.text_content()  # shown as text, not markup
    assert not explanation.xpath(".//b")


def test_evidence_links_jump_to_existing_anchors():
    doc = layered_doc()
    root = _parse(render_report([doc]))
    ids = [el.get("id") for el in root.xpath("//*[@id]")]
    assert len(ids) == len(set(ids))
    hrefs = [a.get("href") for a in root.xpath("//a[@href]")]
    assert hrefs
    for href in hrefs:
        assert href.startswith("#") and href[1:] in ids, href
    relation_links = root.xpath('//details[@data-layer="relations"]//a/@href')
    anchor = root.get_element_by_id(relation_links[0][1:])
    first_sentence = doc.relations[0]
    assert (
        anchor.getnext().text_content()
        == doc.text[first_sentence.start : first_sentence.end][
            : len(anchor.getnext().text_content())
        ]
    )


# --- the page ----------------------------------------------------------------------------


def test_script_in_text_and_labels_is_escaped():
    doc = layered_doc()
    doc.techniques.spans[0] = doc.techniques.spans[0].model_copy(
        update={"technique": "<script>alert('label')</script>"}
    )
    doc.source = "<img src=x onerror=alert(1)>"
    html = render_report(
        [doc, layered_doc(doc_id="<script>id</script>")], title="<script>t</script>"
    )
    root = _parse(html)
    scripts = root.xpath("//script")
    assert len(scripts) == 1 and scripts[0].text == assets.js()
    assert not root.xpath("//img") and not root.xpath("//@onerror")
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in root.text_content()  # the reader still sees the text


def test_page_loads_nothing_from_outside():
    html = render_report([layered_doc(), layered_doc(doc_id="doc-2")])
    root = _parse(html)
    assert not re.search(r"https?:", html)  # no URL anywhere when the documents carry none
    assert not re.search(r"url\(|@import|//[a-z0-9]", assets.css() + assets.js(), re.I)
    for attr in ("src", "href", "action", "srcset", "data"):
        for value in root.xpath(f"//@{attr}"):
            assert str(value).startswith("#"), (attr, value)
    assert not root.xpath("//link | //iframe | //object | //embed | //img")


def test_document_url_is_text_not_link():
    doc = layered_doc()
    doc.url = "javascript:alert(1)//https://example.org/a?b=1&c=<x>"
    root = _parse(render_report([doc]))
    assert not [v for v in root.xpath("//@href") if not v.startswith("#")]
    assert "https://example.org/a?b=1&c=<x>" in root.text_content()


def test_csp_allows_exactly_the_inline_style_and_script():
    root = _parse(render_report([layered_doc()]))
    policy = root.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]

    def digest(source: str) -> str:
        return base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()

    assert "default-src 'none'" in policy
    assert digest(root.xpath("//style")[0].text) in policy
    assert digest(root.xpath("//script")[0].text) in policy


def test_report_sections_toc_and_metadata():
    docs = [layered_doc(), layered_doc(doc_id="doc-2")]
    root = _parse(render_report(docs, title="Weekly scan"))
    assert root.xpath("//title")[0].text == "Weekly scan"
    sections = root.xpath('//section[@class="ns-doc"]')
    assert len(sections) == 2
    toc = root.xpath('//nav[@class="ns-toc"]//a/@href')
    assert toc == ["#" + s.get("id") for s in sections]
    meta = sections[1].xpath('.//dl[@class="ns-meta"]')[0].text_content()
    assert (
        "doc-2" in meta and "Example Wire" in meta and "en (0.99)" in meta and "2024-05-01" in meta
    )
    assert "alert('warn')" in sections[0].xpath('.//ul[@class="ns-warnings"]')[0].text_content()
    # a single article needs no table of contents
    assert not _parse(render_report(docs[:1])).xpath("//nav")


def test_colours_are_shared_across_articles():
    root = _parse(render_report([layered_doc(), layered_doc(doc_id="doc-2")]))
    colours = defaultdict(set)
    for el in _marks(root, "technique"):
        label = el.get("title").split(": ", 1)[1].split(" · ")[0]
        colours[label] |= {c for c in el.get("class").split() if re.fullmatch(r"c\d+", c)}
    assert colours and all(len(c) == 1 for c in colours.values())
    assert len({next(iter(c)) for c in colours.values()}) == len(colours)  # distinct per technique


def test_output_is_deterministic_and_written(tmp_path: Path):
    docs = [layered_doc(), layered_doc(doc_id="doc-2")]
    assert render_report(docs) == render_report(docs)
    out = tmp_path / "sub" / "report.html"
    write_report(docs, out, title="T")
    assert out.read_text(encoding="utf-8") == render_report(docs, title="T")


def test_empty_report_is_a_valid_page():
    root = _parse(render_report([]))
    assert root.xpath("//h1")[0].text == "narrascope report"
    assert not root.xpath("//section")


def test_size_grows_with_boundaries_not_characters():
    doc = layered_doc()
    base = len(render_article(doc))
    long = layered_doc(text=TEXT + "\n\n" + "An unmarked paragraph of plain words. " * 200)
    # 7,800 more characters without marks cost about their own length, not an element each
    assert len(render_article(long)) - base < 8_200


@pytest.mark.parametrize("name", ["css", "js"])
def test_assets_are_plain_strings(name: str):
    source = getattr(assets, name)()
    assert isinstance(source, str) and len(source) > 500
    assert "</style" not in source and "</script" not in source


def test_a_generator_is_streamed_and_gives_the_same_page(tmp_path: Path):
    docs = [layered_doc(), layered_doc(doc_id="doc-2")]
    out = tmp_path / "report.html"
    write_report((doc for doc in docs), out, title="T")
    assert out.read_text(encoding="utf-8") == render_report(docs, title="T")


def test_palette_distinct_within_a_kind_and_fixed_for_roles_and_claims():
    from narrascope.report.marks import Mark
    from narrascope.report.palette import _SEQUENCE, COLOURS, Palette

    assert sorted(_SEQUENCE) == list(range(len(COLOURS)))  # every colour used, none twice

    techniques = [Mark("technique", f"T{i:02d}", 0, 1) for i in range(len(COLOURS))]
    palette = Palette(
        [*techniques, Mark("role", "Antagonist", 0, 1), Mark("claim", "opinion", 0, 1)]
    )
    assert len({palette.index(m) for m in techniques}) == len(COLOURS)
    assert palette.index(Mark("role", "antagonist", 5, 9)) == COLOURS.index(
        "#d62728"
    )  # red, whatever the case
    assert palette.index(Mark("role", "Protagonist", 0, 1)) == COLOURS.index("#2ca02c")
    assert palette.index(Mark("claim", "call_to_action", 0, 1)) == COLOURS.index("#ff7f0e")
    assert palette.index(Mark("technique", "never seen", 0, 1)) == COLOURS.index("#7f7f7f")
    assert Palette(reversed(techniques)).index(techniques[3]) == palette.index(techniques[3])
    for i, colour in enumerate(COLOURS):
        assert f".c{i} {{ --c: {colour}; }}" in assets.css()
