"""Comparing languages on the dashboard: the same labels side by side per language, with counts,
and layers not analysed for a language shown as not comparable (never as 0%).

Stores are real DuckDB files written by `narrascope.store.Store`: hand-made documents for exact
numbers, and documents analysed by a real (small) pipeline that marks relations unavailable for
Russian and Bulgarian.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narrascope.document import Document, Language
from narrascope.pipeline import Pipeline, document_from_text
from narrascope.server import ServerSettings, charts, create_app
from narrascope.server.corpus import NOT_RUN, Corpus, Filters
from narrascope.store import Store
from test_server_support import documents

LANGUAGES = ["ru", "ru", "bg", "en", "en"]  # of the five hand-made articles a1..a5


def _client(store: Store) -> TestClient:
    app = create_app(
        ServerSettings(), pipeline=Pipeline.from_config(only=["segmentation"]), store=store
    )
    return TestClient(app, base_url="http://127.0.0.1")


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    """a1-a5 in ru, ru, bg, en, en; techniques not analysed for Bulgarian, relations not for a2."""
    docs = documents()
    for doc, code in zip(docs, LANGUAGES):
        doc.language = Language(code=code, score=0.99)
        doc.analyzers = [
            "segmentation",
            "language",
            "narratives",
            "techniques",
            "relations",
            "roles",
        ]
    docs[2].techniques = None
    docs[2].unavailable = {"techniques": "language bg"}
    docs[1].relations = []
    docs[1].unavailable = {"relations": "profile fast"}
    with Store(tmp_path / "corpus.duckdb") as s:
        s.write(docs)
        yield s


def test_narratives_side_by_side_with_shares_and_counts(store: Store) -> None:
    result = Corpus(store.con).language_comparison("narratives", Filters())
    assert [c["language"] for c in result["languages"]] == ["en", "ru", "bg"]  # largest first
    assert [(c["articles"], c["analysed"], c["comparable"]) for c in result["languages"]] == [
        (2, 2, True),
        (2, 2, True),
        (1, 1, True),
    ]
    # a1, a2 (ru) blame others; a3 (bg) praises Russia; a4 (en) praises, a5 (en) blames
    assert result["labels"] == ["Blaming the war on others", "Praise of Russia"]
    assert result["counts"] == {
        "Blaming the war on others": [1, 2, 0],
        "Praise of Russia": [1, 0, 1],
    }
    assert result["shares"] == {
        "Blaming the war on others": [0.5, 1.0, 0.0],
        "Praise of Russia": [0.5, 0.0, 1.0],
    }


def test_a_layer_not_analysed_for_a_language_is_not_compared_as_zero(store: Store) -> None:
    corpus = Corpus(store.con)
    techniques = corpus.language_comparison("techniques", Filters(), languages=("ru", "bg"))
    bg = techniques["languages"][1]
    assert bg == {
        "language": "bg",
        "articles": 1,
        "analysed": 0,
        "unavailable": {"language bg": 1},
        "comparable": False,
    }
    assert techniques["counts"]["Loaded_Language"] == [1, None]  # a1 in ru; bg: not analysed
    assert techniques["shares"]["Loaded_Language"] == [0.5, None]
    assert techniques["shares"]["Doubt"] == [0.5, None]
    # partly analysed: a2's relations were not, so Russian shares are over a1 alone
    relations = corpus.language_comparison("relations", Filters(), languages=("ru",))
    (ru,) = relations["languages"]
    assert (ru["articles"], ru["analysed"], ru["unavailable"]) == (2, 1, {"profile fast": 1})
    assert relations["counts"]["IRN supply RUS"] == [1] and relations["shares"][
        "IRN supply RUS"
    ] == [1.0]
    # a layer the pipeline did not run at all is not analysed either
    frames = corpus.language_comparison("frames", Filters(), languages=("en",))
    assert frames["languages"][0]["unavailable"] == {NOT_RUN: 2} and frames["labels"] == []


def test_filters_apply_except_the_language_filter(store: Store) -> None:
    corpus = Corpus(store.con)
    daily = corpus.language_comparison("roles", Filters(source="Daily Planet", language="en"))
    # Daily Planet has a1, a2 (ru) and a3 (bg); the language filter is ignored here
    assert [(c["language"], c["articles"]) for c in daily["languages"]] == [("ru", 2), ("bg", 1)]
    assert daily["counts"] == {"RUS as Antagonist": [2, 0], "RUS as Protagonist": [0, 1]}
    unknown = corpus.language_comparison("roles", Filters(), languages=("hi", "en"))
    assert unknown["languages"][0] == {
        "language": "hi",
        "articles": 0,
        "analysed": 0,
        "unavailable": {},
        "comparable": False,
    }
    assert unknown["counts"]["RUS as Antagonist"] == [None, 1]


def test_api_endpoint_and_its_validation(store: Store) -> None:
    with _client(store) as c:
        both = c.get("/api/stats/languages", params={"layer": "techniques", "languages": "en,bg"})
        top1 = c.get("/api/stats/languages", params={"layer": "narratives", "top": 1})
        planet = c.get("/api/stats/languages", params={"source": "Evening Star"})
        bad_layer = c.get("/api/stats/languages", params={"layer": "entities"})
        bad_codes = c.get("/api/stats/languages", params={"languages": "en;DROP TABLE"})
        bad_modality = c.get("/api/stats/languages", params={"layer": "relations", "modality": "x"})
        denied = c.get("/api/stats/languages", params={"layer": "relations", "modality": "denied"})
    assert both.status_code == 200, both.text
    body = both.json()
    assert [c["language"] for c in body["languages"]] == ["en", "bg"]
    assert body["counts"]["Loaded_Language"] == [1, None]  # JSON null, not 0
    assert body["languages"][1]["comparable"] is False
    assert top1.json()["labels"] == ["Blaming the war on others"]
    assert [c["language"] for c in planet.json()["languages"]] == ["en"]  # a4, a5
    assert {bad_layer.status_code, bad_codes.status_code, bad_modality.status_code} == {422}
    assert denied.json()["labels"] == [] and denied.json()["languages"][0]["comparable"]


def test_dashboard_section_shows_not_analysed_languages_as_na(store: Store) -> None:
    with _client(store) as c:
        page = c.get("/dashboard", params={"cmp": "techniques"}).text
        default = c.get("/dashboard").text
    section = page.split('id="languages"', 1)[1]
    assert 'aria-current="true">techniques</a>' in section
    assert (
        '<th scope="col" class="na" data-language="bg">bg<small>not analysed: language bg (1)</small>'
        in section
    )
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", section)
    assert [label for label, _ in rows] == ["Loaded_Language", "Doubt", "Flag_Waving"]
    for _, cells in rows:  # columns en, ru, bg: the Bulgarian cell is n/a, never a share
        assert cells.count('class="na"') == 1 and cells.endswith("n/a</td>")
    assert 'href="/articles?language=ru&amp;technique=Doubt">50% · 1</a>' in section
    assert (
        "cmp=relations#languages" in default
        and "Blaming the war on others" in default.split('id="languages"', 1)[1]
    )


def test_language_table_escapes_and_explains() -> None:
    evil = '<script>alert("x")</script>'
    column = {
        "language": evil,
        "articles": 3,
        "analysed": 2,
        "unavailable": {evil: 1},
        "comparable": True,
    }
    data = {"languages": [column], "labels": [evil], "shares": {evil: [0.5]}, "counts": {evil: [1]}}
    html = str(charts.language_table(data, "narrative"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "2 of 3 *" in html  # partly analysed
    none = {
        **data,
        "languages": [{**column, "analysed": 0, "comparable": False}],
        "shares": {evil: [None]},
    }
    assert "not analysed for any of these languages" in str(charts.language_table(none))
    assert "No articles" in str(charts.language_table({**data, "languages": []}))


# --- documents analysed by a real pipeline ------------------------------------------------------

TEXTS = {
    "en1": (
        "Daily Planet",
        "Iran ships drones to Russia\n\nIran supplies drones to Russia, officials in Kyiv said on "
        "Monday. The United States sanctioned Iran over the deliveries, and European governments "
        "are preparing further measures against Tehran.",
    ),
    "en2": (
        "Evening Star",
        "Washington weighs new aid\n\nThe United States sent artillery shells to Ukraine this "
        "week. Russia condemned the decision and said that it would respond to any escalation.",
    ),
    "ru1": (
        "Вечерние новости",
        "Москва обвинила Запад\n\nМинистерство иностранных дел России заявило, что США и НАТО "
        "продолжают поставлять оружие Украине. В Кремле назвали это опасной эскалацией.",
    ),
    "ru2": (
        "Вечерние новости",
        "Переговоры в Стамбуле\n\nДелегации России и Украины встретились в Турции. Представитель "
        "Белого дома сказал, что Вашингтон поддерживает диалог.",
    ),
    "bg1": (
        "Дневен вестник",
        "Русия и САЩ\n\nРусия и САЩ обсъдиха доставките на оръжие за Украйна. Белият дом заяви, "
        "че ще наложи нови санкции на Русия.",
    ),
}


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Document]]]:
    """The five articles through segmentation, language, actors and relations, stored."""
    pipeline = Pipeline.from_config(only=["language", "actors", "relations"])
    docs = [document_from_text(text, id=key, source=src) for key, (src, text) in TEXTS.items()]
    done = [d for d in pipeline.run(docs) if isinstance(d, Document)]
    path = tmp_path_factory.mktemp("analysed") / "corpus.duckdb"
    with Store(path) as s:
        s.write(done)
    yield path, done


def test_real_pipeline_relations_are_not_comparable_for_russian_and_bulgarian(
    analysed: tuple[Path, list[Document]],
) -> None:
    path, docs = analysed
    assert [d.language.code if d.language else None for d in docs] == ["en", "en", "ru", "ru", "bg"]
    with Store(path) as store, _client(store) as c:
        relations = c.get("/api/stats/languages", params={"layer": "relations"}).json()
        actors = c.get("/api/stats/languages", params={"layer": "actors", "top": 30}).json()
        narratives = c.get("/api/stats/languages", params={"layer": "narratives"}).json()
        page = c.get("/dashboard", params={"cmp": "relations"}).text
    by_code = {c["language"]: c for c in relations["languages"]}
    assert by_code["ru"]["unavailable"] == {"language ru": 2} and not by_code["ru"]["comparable"]
    assert by_code["bg"]["unavailable"] == {"language bg": 1} and not by_code["bg"]["comparable"]
    assert by_code["en"] == {**by_code["en"], "articles": 2, "analysed": 2, "comparable": True}
    english = [d for d in docs if d.language and d.language.code == "en"]
    expected = Counter(
        label for d in english for label in {f"{r.source} {r.type} {r.target}" for r in d.relations}
    )
    assert expected, "the relation extractor found nothing in the English articles"
    en = [c["language"] for c in relations["languages"]].index("en")
    assert {label: counts[en] for label, counts in relations["counts"].items()} == dict(expected)
    for counts in relations["counts"].values():
        assert [n for i, n in enumerate(counts) if i != en] == [None, None]
    # actors have name lists for every language: compared everywhere, counts from the documents
    assert all(c["comparable"] for c in actors["languages"])
    for column, code in enumerate(c["language"] for c in actors["languages"]):
        mine = [d for d in docs if d.language and d.language.code == code]
        counts = Counter(a for d in mine for a in {m.actor for m in d.actors})
        assert {label: n[column] for label, n in actors["counts"].items() if n[column]} == dict(
            counts
        )
    assert "RUS" in actors["labels"]
    # the pipeline had no narratives step: not analysed in any language
    assert {c["unavailable"].get(NOT_RUN) for c in narratives["languages"]} == {1, 2}
    assert narratives["labels"] == []
    section = page.split('id="languages"', 1)[1]
    assert "not analysed: language ru (2)" in section and "not analysed: language bg (1)" in section
    assert "n/a</td>" in section


def test_prevalence_leaves_out_articles_not_analysed_for_the_layer(store: Store) -> None:
    with _client(store) as c:
        overall = c.get("/api/stats/prevalence", params={"layer": "techniques", "by": "all"}).json()
        by_source = c.get(
            "/api/stats/prevalence", params={"layer": "techniques", "by": "source"}
        ).json()
        narratives = c.get(
            "/api/stats/prevalence", params={"layer": "narratives", "by": "all"}
        ).json()
        page = c.get("/dashboard").text
    # Loaded_Language is in a1, a3 and a5; a3 (bg) was not analysed for techniques: 2 of 4, not 2 of 5
    assert overall["totals"] == [4] and overall["series"]["Loaded_Language"] == [0.5]
    assert by_source["buckets"] == ["Daily Planet", "Evening Star"] and by_source["totals"] == [
        2,
        2,
    ]
    assert by_source["series"]["Loaded_Language"] == [0.5, 0.5]
    assert narratives["totals"] == [5]  # every article was analysed for narratives
    techniques_card = page.split('id="techniques-share"', 1)[1].split("</section>", 1)[0]
    assert "50% · 2" in techniques_card
