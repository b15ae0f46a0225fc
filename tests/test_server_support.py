"""Hand-made analysed documents for the server tests: every layer filled, offsets consistent.

They go into a real `narrascope.store.Store`, so the dashboard queries run on the store's schema.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date

from narrascope.document import (
    ActorMention,
    Document,
    FrameLayer,
    Genre,
    LabelScore,
    NarrativeLabel,
    NarrativeLayer,
    Relation,
    RoleMention,
    RoleProfile,
    TechniqueLayer,
    TechniqueSpan,
)
from narrascope.pipeline import document_from_text

ARTICLES = [
    # id, source, published, narrative, technique, role of Russia, relation
    (
        "a1",
        "Daily Planet",
        date(2024, 1, 10),
        "Blaming the war on others",
        "Loaded_Language",
        "Antagonist",
        ("IRN", "supply", "RUS"),
    ),
    (
        "a2",
        "Daily Planet",
        date(2024, 1, 20),
        "Blaming the war on others",
        "Doubt",
        "Antagonist",
        ("PRK", "supply", "RUS"),
    ),
    (
        "a3",
        "Daily Planet",
        date(2024, 2, 5),
        "Praise of Russia",
        "Loaded_Language",
        "Protagonist",
        ("RUS", "attack", "UKR"),
    ),
    (
        "a4",
        "Evening Star",
        date(2024, 2, 15),
        "Praise of Russia",
        "Flag_Waving",
        "Protagonist",
        ("IRN", "supply", "RUS"),
    ),
    (
        "a5",
        "Evening Star",
        date(2024, 3, 1),
        "Blaming the war on others",
        "Loaded_Language",
        "Antagonist",
        ("USA", "sanction", "IRN"),
    ),
]


def make_document(
    article_id: str,
    source: str,
    published: date,
    narrative: str,
    technique: str,
    role: str,
    relation: tuple[str, str, str],
) -> Document:
    text = f"Report {article_id} on the war\n\nRussia received drones from its partners. Critics call it a <b>disgrace</b>."
    doc = document_from_text(text, id=article_id, source=source, published=published)
    body = text.index("Russia")
    sentence_end = text.index(".", body) + 1
    loaded = text.index("disgrace")
    doc.narratives = NarrativeLayer(
        taxonomy="semeval2025",
        narratives=[
            NarrativeLabel(
                label=narrative,
                level="narrative",
                score=0.9,
                evidence=[doc.span(body, sentence_end)],
            )
        ],
        subnarratives=[
            NarrativeLabel(
                label=narrative + ": detail", level="subnarrative", parent=narrative, score=0.7
            )
        ],
    )
    doc.techniques = TechniqueLayer(
        spans=[
            TechniqueSpan(
                start=loaded,
                end=loaded + 8,
                text="disgrace",
                technique=technique,
                score=0.8,
                paragraph=1,
            )
        ]
    )
    doc.genre = Genre(
        label="reporting", score=0.8, scores=[LabelScore(label="reporting", score=0.8)]
    )
    doc.frames = FrameLayer(
        labels=["Security_and_defense"],
        scores=[LabelScore(label="Security_and_defense", score=0.9)],
    )
    mention = RoleMention(start=body, end=body + 6, text="Russia", main_role=role, main_score=0.9)
    doc.roles = [RoleProfile(entity="Russia", actor="RUS", main_role=role, mentions=[mention])]
    doc.actors = [ActorMention(start=body, end=body + 6, text="Russia", actor="RUS", kind="state")]
    src, kind, dst = relation
    doc.relations = [
        Relation(
            source=src,
            type=kind,
            target=dst,
            object="drones",
            start=body,
            end=sentence_end,
            sentence=text[body:sentence_end],
        )
    ]
    assert doc.check_offsets() == []
    return doc


def documents() -> list[Document]:
    return [make_document(*row) for row in ARTICLES]


@contextlib.contextmanager
def live_server(app) -> Iterator[str]:  # noqa: ANN001
    """Run the app under uvicorn on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # startup loads the pipeline's models
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
