"""The DuckDB corpus store: round trips, one table per layer, replacement, export, migration."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import duckdb
import pyarrow.parquet as pq
import pytest

from narrascope.document import (
    ActorMention,
    Claim,
    Document,
    EntityMention,
    Explanation,
    Failure,
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
from narrascope.store import Store, StoreError
from narrascope.store.duckdb_store import column_array
from narrascope.text.segment import segment

TEXT = (
    "Moscow Buys Drones From Tehran\n\n"
    "Iran has shipped attack drones to Russia, officials in Kyiv said on Monday.\n"
    "This is a disgrace that the West can no longer ignore."
)


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def full_document(id: str = "a1", text: str = TEXT) -> Document:
    """A document with every layer filled, all offsets valid."""
    doc = Document(
        id=id,
        title=text.splitlines()[0],
        text=text,
        source="example.org",
        url="https://example.org/a1",
        published=datetime(2024, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))),
        language=Language(code="en", score=0.99),
        meta={"input": "a1.txt"},
    )
    doc.paragraphs, doc.sentences = segment(text)
    iran, russia = span(text, "Iran"), span(text, "Russia")
    doc.entities = [
        EntityMention(
            start=iran[0], end=iran[1], text="Iran", label="GPE", entity="Iran", actor="IRN"
        ),
        EntityMention(
            start=russia[0], end=russia[1], text="Russia", label="GPE", entity="Russia", actor="RUS"
        ),
    ]
    sent = doc.sentences[1]
    doc.narratives = NarrativeLayer(
        taxonomy="ukraine-russia",
        narratives=[
            NarrativeLabel(label="Blaming the war on others", level="narrative", score=0.8)
        ],
        subnarratives=[
            NarrativeLabel(
                label="Iran arms Russia",
                level="subnarrative",
                parent="Blaming the war on others",
                score=0.6,
                evidence=[doc.span(sent.start, sent.end)],
            )
        ],
        explanation=Explanation(
            narrative="Blaming the war on others",
            text="The article says Iran arms Russia.",
            evidence=[doc.span(sent.start, sent.end)],
        ),
    )
    doc.roles = [
        RoleProfile(
            entity="Iran",
            actor="IRN",
            main_role="Antagonist",
            main_scores=[LabelScore(label="Antagonist", score=0.7)],
            fine_roles=[LabelScore(label="Instigator", score=0.5)],
            mentions=[
                RoleMention(
                    start=iran[0], end=iran[1], text="Iran", main_role="Antagonist", main_score=0.7
                )
            ],
        ),
    ]
    disgrace = span(text, "a disgrace")
    para = doc.paragraphs[2]
    doc.techniques = TechniqueLayer(
        paragraphs=[
            ParagraphTechniques(
                paragraph=2,
                start=para.start,
                end=para.end,
                labels=[
                    LabelScore(label="Loaded_Language", score=0.9),
                    LabelScore(label="Doubt", score=0.4),
                ],
            )
        ],
        spans=[
            TechniqueSpan(
                start=disgrace[0],
                end=disgrace[1],
                text="a disgrace",
                technique="Loaded_Language",
                score=0.9,
                paragraph=2,
            )
        ],
    )
    doc.genre = Genre(
        label="opinion",
        score=0.7,
        scores=[LabelScore(label="opinion", score=0.7), LabelScore(label="reporting", score=0.3)],
    )
    doc.frames = FrameLayer(
        labels=["Security_and_defense"],
        scores=[
            LabelScore(label="Security_and_defense", score=0.8),
            LabelScore(label="Morality", score=0.2),
        ],
    )
    doc.actors = [
        ActorMention(
            start=iran[0], end=iran[1], text="Iran", actor="IRN", kind="state", entity_index=0
        )
    ]
    shipped = span(text, "shipped")
    doc.relations = [
        Relation(
            source="IRN",
            type="supplies_weapons",
            target="RUS",
            object="attack drones",
            modality="reported",
            attribution="officials in Kyiv",
            start=sent.start,
            end=sent.end,
            sentence=doc.sentence_text(sent),
            confidence=0.8,
            trigger=doc.span(*shipped),
        )
    ]
    doc.claims = [
        Claim(
            start=sent.start,
            end=sent.end,
            text=doc.sentence_text(sent),
            kind="factual",
            modality="reported",
            score=0.6,
        )
    ]
    doc.analyzers = ["segmentation", "test"]
    assert doc.check_offsets() == []
    return doc


def test_round_trip_every_layer(tmp_path):
    doc = full_document()
    path = tmp_path / "corpus.duckdb"
    with Store(path) as store:
        store.write([doc])
    with Store(path, read_only=True) as store:
        assert store.get("a1") == doc
        assert list(store.iter_documents()) == [doc]
        assert store.has_hash(doc.content_hash) and not store.has_hash("0" * 32)
        expected = {
            "articles": 1,
            "paragraphs": 3,
            "sentences": 3,
            "entities": 2,
            "narratives": 2,
            "explanations": 1,
            "roles": 1,
            "role_mentions": 1,
            "technique_spans": 1,
            "technique_paragraphs": 2,
            "genre": 1,
            "frames": 2,
            "actors": 1,
            "relations": 1,
            "claims": 1,
        }
        assert {t: store.count(t) for t in expected} == expected
        # scalar fields are typed columns; nested values are JSON
        rel = store.query(
            "SELECT source, type, target, modality, confidence, trigger->>'text' FROM relations"
        )
        assert rel == [("IRN", "supplies_weapons", "RUS", "reported", 0.8, "shipped")]
        art = store.query("SELECT article_id, language, published, meta->>'input' FROM articles")
        assert art == [("a1", "en", datetime(2024, 3, 1, 10, 0), "a1.txt")]  # stored as UTC
        frames = store.query("SELECT label, selected FROM frames ORDER BY idx")
        assert frames == [("Security_and_defense", True), ("Morality", False)]
        sub = store.query(
            "SELECT label, parent, taxonomy FROM narratives WHERE level = 'subnarrative'"
        )
        assert sub == [("Iran arms Russia", "Blaming the war on others", "ukraine-russia")]
        # every span in the layer tables quotes the text it points at
        for table in ("entities", "technique_spans", "claims", "role_mentions"):
            for start, end, quoted in store.query(f'SELECT start, "end", text FROM {table}'):
                assert doc.text[start:end] == quoted


def test_rewriting_an_article_replaces_its_rows(tmp_path):
    path = tmp_path / "corpus.duckdb"
    with Store(path) as store:
        store.write([full_document()])
        changed = full_document()
        changed.entities = changed.entities[:1]
        store.write([changed, full_document("b2")])
        assert store.count() == 2
        assert store.query("SELECT article_id, count(*) FROM entities GROUP BY 1 ORDER BY 1") == [
            ("a1", 1),
            ("b2", 2),
        ]
        assert store.get("a1").entities == changed.entities


def test_failures_are_stored(tmp_path):
    with Store(tmp_path / "c.duckdb") as store:
        store.write([], [Failure(input="bad.txt", reason="empty text")])
        assert store.failures() == [Failure(input="bad.txt", reason="empty text")]
        assert store.count() == 0


def test_a_failed_batch_leaves_nothing_behind(tmp_path):
    doc = full_document()
    broken = full_document("b2")
    broken.genre = Genre.model_construct(label=object(), score=1.0, scores=[])  # not storable
    with Store(tmp_path / "c.duckdb") as store:
        with pytest.raises((TypeError, ValueError)):  # the odd label cannot be serialised
            store.write([doc, broken])
        assert store.count() == 0 and store.count("entities") == 0
        store.write([doc])
        assert store.count() == 1


def test_values_of_another_type_are_refused_not_turned_into_text():
    rows = [{"score": 0.5}, {"score": 1}, {"score": None}, {}]
    assert column_array("frames", "score", "DOUBLE", rows).tolist() == [0.5, 1, None, None]
    with pytest.raises(TypeError, match="frames.score: a str value in a DOUBLE column"):
        column_array("frames", "score", "DOUBLE", [{"score": "0.5"}])
    with pytest.raises(TypeError, match="genre.label: a object value in a VARCHAR column"):
        column_array("genre", "label", "VARCHAR", [{"label": object()}])


def test_writing_does_not_import_pandas(tmp_path):
    """pyarrow imports pandas on its first conversion (half a second); the store needs neither."""
    code = (
        "import sys\n"
        "from narrascope.store import Store\n"
        "from narrascope.document import Document\n"
        f"with Store({str(tmp_path / 'c.duckdb')!r}) as store:\n"
        "    store.write([Document(id='a', text='Kyiv said so.')])\n"
        "    assert store.count() == 1\n"
        "print('pandas' in sys.modules, 'pyarrow' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_export_jsonl_csv_parquet(tmp_path):
    docs = [full_document("a1"), full_document("b2", TEXT.replace("Monday", "Tuesday"))]
    path = tmp_path / "corpus.duckdb"
    with Store(path) as store:
        store.write(docs)
        assert store.export(tmp_path / "all.jsonl", "jsonl") == 2
        assert store.export(tmp_path / "rel.csv", "csv", "relations") == 2
        assert store.export(tmp_path / "ent.parquet", "parquet", "entities") == 4
        assert store.export(tmp_path / "ent.jsonl", "jsonl", "entities") == 4
        with pytest.raises(ValueError, match="unknown table"):
            store.export(tmp_path / "x.csv", "csv", "articles; DROP TABLE articles")
        with pytest.raises(ValueError, match="unknown format"):
            store.export(tmp_path / "x.xml", "xml")
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    assert [Document.model_validate_json(line) for line in lines] == docs
    with (tmp_path / "rel.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["article_id"] for r in rows] == ["a1", "b2"] and rows[0]["object"] == "attack drones"
    table = pq.read_table(tmp_path / "ent.parquet")
    assert table.num_rows == 4 and set(table.column("text").to_pylist()) == {"Iran", "Russia"}
    first = json.loads((tmp_path / "ent.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["article_id"] == "a1" and first["label"] == "GPE"


def test_older_store_gains_new_columns(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE genre (article_id VARCHAR, content_hash VARCHAR, idx INTEGER, label VARCHAR)"
    )
    con.close()
    with Store(path) as store:
        store.write([full_document()])
        assert store.query("SELECT label, score FROM genre") == [("opinion", 0.7)]


def test_unreadable_store_is_a_clear_error(tmp_path):
    bad = tmp_path / "not-a-db.duckdb"
    bad.write_text("hello, I am not a database\n" * 100)
    with pytest.raises(StoreError, match="not-a-db.duckdb"):
        Store(bad)
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_item_rows_hold_the_values_to_sql_value_gives():
    from narrascope.store.tables import _item_row, layer_tables, model_columns, to_sql_value

    doc = full_document()
    for model, item in (
        (Relation, doc.relations[0]),
        (RoleProfile, doc.roles[0]),
        (EntityMention, doc.entities[0]),
        (NarrativeLabel, doc.narratives.narratives[0]),
    ):
        columns = model_columns(model)
        expected = {name: to_sql_value(getattr(item, name, None), kind) for name, kind in columns}
        assert _item_row(item, columns) == expected
        # a value given by the table (`extra`) replaces the item's, JSON columns included
        extra = {name: "given" for name, _ in columns[:2]}
        assert _item_row(item, columns, **extra) == {**expected, **extra}
    assert any(kind == "JSON" for _, kind in model_columns(Relation))
    # every layer table still fills every column it declares, and only those
    for table in layer_tables():
        for row in table.rows(doc):
            assert set(row) <= set(table.column_names)
