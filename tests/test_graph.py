"""The corpus actor graph: aggregation, the DuckDB query, the three output formats and the command."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from typer.testing import CliRunner

from narrascope.document import Document, Relation
from narrascope.graph import build_graph
from narrascope.graph.build import records_from_documents
from narrascope.graph.formats import render
from narrascope.graph.store import load_graph


def _doc(
    doc_id: str, published: date, text: str, relations: list[tuple[str, str, str, str]]
) -> Document:
    doc = Document(id=doc_id, text=text, published=published)
    for source, type_, target, modality in relations:
        doc.relations.append(
            Relation(
                source=source,
                type=type_,
                target=target,
                modality=modality,
                start=0,
                end=len(text),
                sentence=text,
                object="drones" if type_ == "supplies_weapons" else "",
            )
        )
    return doc


@pytest.fixture()
def docs() -> list[Document]:
    return [
        _doc(
            "a1",
            date(2023, 1, 10),
            "Iran sent drones to Russia.",
            [("IRN", "supplies_weapons", "RUS", "asserted")],
        ),
        _doc(
            "a2",
            date(2023, 3, 5),
            "Iran shipped more drones to Russia, officials said.",
            [("IRN", "supplies_weapons", "RUS", "reported"), ("RUS", "attacks", "UKR", "asserted")],
        ),
        _doc(
            "a3",
            date(2024, 2, 1),
            "Tehran denies sending drones to Moscow.",
            [("IRN", "supplies_weapons", "RUS", "denied")],
        ),
    ]


def test_build_graph_aggregates_with_evidence(docs):
    graph = build_graph(records_from_documents(docs))
    edge = next(e for e in graph.edges if e.key == ("IRN", "RUS", "supplies_weapons"))
    assert edge.count == 3 and edge.articles == 3
    assert edge.weight == pytest.approx(1.0 + 0.8 + 0.0)  # a denial adds nothing
    assert edge.first == "2023-01-10" and edge.last == "2024-02-01"
    assert edge.timeline == {"2023-01": 1, "2023-03": 1, "2024-02": 1}
    assert edge.objects == {"drones": 3}
    assert {ev.article_id for ev in edge.evidence} == {"a1", "a2", "a3"}
    assert graph.nodes["IRN"]["label"] == "Iran" and graph.nodes["IRN"]["out"] == 3


def test_build_graph_filters(docs):
    graph = build_graph(
        records_from_documents(docs), since=date(2023, 2, 1), until=date(2023, 12, 31)
    )
    assert {e.key for e in graph.edges} == {
        ("IRN", "RUS", "supplies_weapons"),
        ("RUS", "UKR", "attacks"),
    }
    assert build_graph(records_from_documents(docs), types=["attacks"]).edges[0].key == (
        "RUS",
        "UKR",
        "attacks",
    )
    only_ukr = build_graph(records_from_documents(docs), actor="UKR")
    assert set(only_ukr.nodes) == {"RUS", "UKR"}


def test_formats(docs):
    graph = build_graph(records_from_documents(docs))
    data = json.loads(render(graph, "json"))
    assert {n["id"] for n in data["nodes"]} == {"IRN", "RUS", "UKR"}
    root = ET.fromstring(render(graph, "graphml"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    edges = root.findall(".//g:edge", ns)
    assert len(edges) == 2 and {e.get("source") for e in edges} == {"IRN", "RUS"}
    page = render(graph, "html")
    assert page.startswith("<!doctype html>") and "<svg" in page
    assert "Tehran denies sending drones to Moscow." in page
    assert (
        "https://" not in page and "src=" not in page
    )  # self-contained: nothing loaded from elsewhere


@pytest.fixture()
def store_path(tmp_path, docs):
    from narrascope.store import Store

    path = tmp_path / "corpus.duckdb"
    with Store(path) as store:
        store.write(docs)
    return path


def test_store_query_matches_in_memory_graph(store_path, docs):
    from_db = load_graph(store_path)
    in_memory = build_graph(records_from_documents(docs))
    assert [(e.key, e.count, e.weight, e.first, e.last) for e in from_db.edges] == [
        (e.key, e.count, e.weight, e.first, e.last) for e in in_memory.edges
    ]
    filtered = load_graph(store_path, since=date(2024, 1, 1))
    assert [(e.key, e.modalities) for e in filtered.edges] == [
        (("IRN", "RUS", "supplies_weapons"), {"denied": 1})
    ]
    assert (
        load_graph(store_path, types=["attacks"], actor="UKR").edges[0].evidence[0].article_id
        == "a2"
    )


def test_graph_command(store_path, tmp_path):
    from narrascope.cli import app

    out = tmp_path / "graph.graphml"
    result = CliRunner().invoke(
        app,
        [
            "graph",
            "--db",
            str(store_path),
            "--format",
            "graphml",
            "--out",
            str(out),
            "--type",
            "supplies_weapons",
        ],
    )
    assert result.exit_code == 0, result.output
    assert ET.parse(out).getroot().tag.endswith("graphml")
    bad = CliRunner().invoke(app, ["graph", "--db", str(store_path), "--type", "hugs"])
    assert bad.exit_code != 0


def test_weight_and_first_evidence_come_from_stated_relations(docs, store_path):
    hypothetical = _doc(
        "a0",
        date(2023, 6, 1),
        "Iran could send drones to Russia.",
        [
            ("IRN", "supplies_weapons", "RUS", "hypothetical"),
            ("CHN", "attacks", "TWN", "called_for"),
        ],
    )
    graph = build_graph(records_from_documents([hypothetical, *docs]), max_evidence=2)
    edge = next(e for e in graph.edges if e.key == ("IRN", "RUS", "supplies_weapons"))
    assert edge.weight == pytest.approx(1.8)  # hypothetical and denied weigh nothing
    assert [ev.modality for ev in edge.evidence] == ["asserted", "reported"]
    assert edge.status == "factual"
    talk = next(e for e in graph.edges if e.key == ("CHN", "TWN", "attacks"))
    assert talk.weight == 0 and talk.status == "called_for"
    assert {e.key for e in graph.filtered(statuses=["called_for"]).edges} == {talk.key}
    only_denied = build_graph(records_from_documents(docs), modalities=["denied"])
    assert [e.status for e in only_denied.edges] == ["denied"]
    data = json.loads(render(graph, "json"))
    assert {e["status"] for e in data["edges"]} == {"factual", "called_for"}
    assert "stroke-dasharray" in render(graph, "html")
    # the store answers the same modality filter
    stated = load_graph(store_path, modalities=["asserted", "reported"])
    assert {e.key for e in stated.edges} == {
        ("IRN", "RUS", "supplies_weapons"),
        ("RUS", "UKR", "attacks"),
    }
    assert load_graph(store_path).edges[0].evidence[0].modality in ("asserted", "reported")


def test_graph_command_filters_modality(store_path):
    from narrascope.cli import app

    result = CliRunner().invoke(
        app, ["graph", "--db", str(store_path), "--format", "json", "-m", "denied"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(e["source"], e["status"]) for e in data["edges"]] == [("IRN", "denied")]
    factual = CliRunner().invoke(app, ["graph", "--db", str(store_path), "-f", "json", "--factual"])
    assert {e["status"] for e in json.loads(factual.output)["edges"]} == {"factual"}
    bad = CliRunner().invoke(app, ["graph", "--db", str(store_path), "-m", "rumoured"])
    assert bad.exit_code != 0


BLOCS_AND_MODALITIES = {
    "g1": "European sanctions\n\nEuropean governments imposed new sanctions on Russia on Monday. "
    "Western countries keep supplying weapons to Ukraine.",
    "g2": "Denials and threats\n\nIran denied supplying drones to Russia. Moscow could attack "
    "Finland if it joins the alliance, a Russian official warned.",
    "g3": "Calls for jets\n\nPoland called on Germany to send fighter jets to Ukraine.",
}


def test_real_extraction_resolves_blocs_and_keeps_modalities(tmp_path):
    """Analysed by the real relation extractor, stored, read by `narrascope graph` and the
    dashboard: "European"/"Western" are the EU and WEST nodes; hypothetical, denied and called-for
    relations are edges of that status, weigh nothing, and can be kept alone."""
    from fastapi.testclient import TestClient

    from narrascope.cli import app
    from narrascope.pipeline import Pipeline, document_from_text
    from narrascope.server import ServerSettings, create_app
    from narrascope.store import Store

    pipeline = Pipeline.from_config(only=["language", "actors", "relations"])
    docs = [document_from_text(t, id=k) for k, t in BLOCS_AND_MODALITIES.items()]
    done = list(pipeline.run(docs))
    path = tmp_path / "corpus.duckdb"
    with Store(path) as store:
        store.write(done)
    graph = json.loads(CliRunner().invoke(app, ["graph", "--db", str(path), "-f", "json"]).output)
    nodes = (
        set(graph["nodes"])
        if isinstance(graph["nodes"], dict)
        else {n["id"] for n in graph["nodes"]}
    )
    assert {"EU", "WEST"} <= nodes and not nodes & {"European", "Western", "EUROPEAN", "WESTERN"}
    status = {
        (e["source"], e["type"], e["target"]): (e["status"], e["weight"]) for e in graph["edges"]
    }
    assert status[("EU", "sanctions", "RUS")] == ("factual", 1.0)
    assert status[("WEST", "supplies_weapons", "UKR")][0] == "factual"
    assert status[("IRN", "supplies_weapons", "RUS")] == ("denied", 0.0)
    assert status[("RUS", "attacks", "FIN")] == ("hypothetical", 0.0)
    assert status[("DEU", "supplies_weapons", "UKR")] == ("called_for", 0.0)
    only = CliRunner().invoke(app, ["graph", "--db", str(path), "-f", "json", "-m", "hypothetical"])
    assert [(e["source"], e["target"]) for e in json.loads(only.output)["edges"]] == [
        ("RUS", "FIN")
    ]
    with Store(path) as store:
        web = create_app(
            ServerSettings(), pipeline=Pipeline.from_config(only=["segmentation"]), store=store
        )
        with TestClient(web, base_url="http://127.0.0.1") as c:
            network = c.get("/api/stats/network").json()
            denied = c.get("/api/stats/network", params={"modality": "denied"}).json()
            page = c.get("/dashboard", params={"relmod": "called_for"}).text
    assert network[0]["factual_articles"] >= 1  # stated edges first
    assert [e["factual_articles"] for e in network] == sorted(
        (e["factual_articles"] for e in network), reverse=True
    )
    assert [(e["source"], e["target"], e["modality"]) for e in denied] == [("IRN", "RUS", "denied")]
    assert "DEU supplies_weapons UKR" in page and "not stated as fact: called_for" in page
