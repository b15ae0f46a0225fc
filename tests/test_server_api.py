"""REST API and pages through FastAPI's TestClient: auth, limits, errors, escaping, the corpus reads."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from local_http import serving
from narrascope.document import Document
from narrascope.pipeline import Pipeline
from narrascope.server import ServerSettings, create_app
from narrascope.store import Store
from test_server_support import documents

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def light_pipeline() -> Pipeline:
    """Segmentation only: these tests are about the HTTP layer, not the models."""
    return Pipeline.from_config(only=["segmentation"])


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "corpus.duckdb") as s:
        s.write(documents())
        yield s


def client(pipeline: Pipeline, store=None, **settings) -> TestClient:  # noqa: ANN001
    app = create_app(ServerSettings(**settings), pipeline=pipeline, store=store)
    return TestClient(app, base_url="http://127.0.0.1")


def form(c: TestClient, data: dict | None = None, **kwargs):  # noqa: ANN201
    """Post the front-page form as the page does: with the CSRF token of the page's cookie."""
    page = c.get("/")
    token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    return c.post("/analyze", data={**(data or {}), "csrf": token}, **kwargs)


def test_analyze_returns_document_with_consistent_offsets(
    pipeline: Pipeline, sample_text: str
) -> None:
    with client(pipeline) as c:
        r = c.post("/api/analyze", json={"text": sample_text})
    assert r.status_code == 200, r.text
    doc = Document.model_validate_json(r.text)
    assert doc.text == sample_text
    assert doc.check_offsets() == []
    assert doc.paragraphs and doc.sentences and doc.entities
    assert set(doc.analyzers) >= {"segmentation", "entities"}


def test_writes_need_the_token_when_configured(light_pipeline: Pipeline, store: Store) -> None:
    with client(light_pipeline, store, token=TOKEN) as c:
        body = {"text": "Title\n\nIran sends drones to Russia.", "id": "new1", "store": True}
        missing = c.post("/api/analyze", json=body)
        assert missing.status_code == 401
        assert "Bearer" in missing.json()["error"]
        wrong = c.post("/api/analyze", json=body, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.json() == {"error": "wrong API token"}
        # with a token, analysing costs CPU time: it needs the token too (unless open_analysis)
        assert c.post("/api/analyze", json={"text": body["text"]}).status_code == 401
        assert c.post("/api/analyze", json={"text": body["text"]}, headers=AUTH).status_code == 200
        assert c.post("/api/analyze/batch", json={"items": [{"text": "a\n\nb"}]}).status_code == 401
        ok = c.post("/api/analyze", json=body, headers=AUTH)
        assert ok.status_code == 200, ok.text
        stored = c.get("/api/articles/new1")
    assert stored.status_code == 200
    assert Document.model_validate_json(stored.text).text == body["text"]


def test_reads_can_be_protected(light_pipeline: Pipeline, store: Store) -> None:
    with client(light_pipeline, store, token=TOKEN, protect_reads=True) as c:
        assert c.get("/api/articles").status_code == 401
        assert c.get("/api/articles", headers=AUTH).json()["total"] == 5


def test_batch_limits_and_partial_failures(light_pipeline: Pipeline, store: Store) -> None:
    with client(light_pipeline, store, max_batch=2) as c:
        too_many = c.post("/api/analyze/batch", json={"items": [{"text": "t\n\nx"}] * 3})
        assert too_many.status_code == 413
        assert "limit of 2" in too_many.json()["error"]
        mixed = c.post(
            "/api/analyze/batch",
            json={"items": [{"text": "T\n\nfine text."}, {"text": "   "}], "store": True},
        )
        assert mixed.status_code == 200, mixed.text
        results = mixed.json()["results"]
        assert results[0]["document"]["text"] == "T\n\nfine text."
        assert results[1]["error"] == "text: empty text"
        assert mixed.json()["stored"] == 1
        assert c.get("/api/articles").json()["total"] == 6


def test_body_and_text_limits(light_pipeline: Pipeline) -> None:
    with client(light_pipeline, max_body_bytes=1000, max_text_chars=100) as c:
        big = c.post("/api/analyze", json={"text": "x" * 5000})
        assert big.status_code == 413 and "1000 bytes" in big.json()["error"]
        chunks = iter(
            [b'{"text": "', b"z" * 600, b"z" * 600, b'"}']
        )  # streamed: no Content-Length to check
        streamed = c.post(
            "/api/analyze", content=chunks, headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413 and "1000 bytes" in streamed.json()["error"]
        long = c.post("/api/analyze", json={"text": "y" * 200})
        assert long.status_code == 413 and "limit of 100" in long.json()["error"]


def test_clear_4xx_errors(light_pipeline: Pipeline, store: Store) -> None:
    with client(light_pipeline, store) as c:
        both = c.post("/api/analyze", json={"text": "a", "url": "https://example.org/"})
        assert both.status_code == 422 and "exactly one" in both.json()["error"]
        assert (
            c.post(
                "/api/analyze", content=b"{not json", headers={"content-type": "application/json"}
            ).status_code
            == 422
        )
        missing = c.get("/api/articles/nope")
        assert missing.status_code == 404 and "nope" in missing.json()["error"]
        assert c.get("/api/stats/prevalence?layer=bogus").status_code == 422
        # the SSRF guard: loopback URLs are refused unless allowed
        local = c.post("/api/analyze", json={"url": "http://127.0.0.1:9/secret"})
        assert local.status_code == 422 and "127.0.0.1" in local.json()["error"]
    with client(light_pipeline) as c:
        assert c.get("/api/articles").json() == {
            "error": "no corpus: the server was started without --db"
        }


def test_article_search_filter_and_pages(light_pipeline: Pipeline, store: Store) -> None:
    with client(light_pipeline, store) as c:
        everything = c.get("/api/articles").json()
        assert everything["total"] == 5
        assert [a["id"] for a in everything["items"]] == [
            "a5",
            "a4",
            "a3",
            "a2",
            "a1",
        ]  # newest first
        assert c.get("/api/articles?source=Evening Star").json()["total"] == 2
        assert [a["id"] for a in c.get("/api/articles?technique=Doubt").json()["items"]] == ["a2"]
        assert c.get("/api/articles?from=2024-02-01&to=2024-02-28").json()["total"] == 2
        assert [a["id"] for a in c.get("/api/articles?q=report a3").json()["items"]] == ["a3"]
        c.post(
            "/api/analyze", json={"text": "Rates\n\nup 50% today", "id": "pct", "store": True}
        ).raise_for_status()
        assert [a["id"] for a in c.get("/api/articles", params={"q": "50%"}).json()["items"]] == [
            "pct"
        ]
        assert (
            c.get("/api/articles", params={"q": "5_%"}).json()["total"] == 0
        )  # wildcards are literal
        assert c.get("/api/articles", params={"q": "<b>disgrace</b>"}).json()["total"] == 5
        second = c.get("/api/articles?limit=2&offset=2").json()
        assert [a["id"] for a in second["items"]] == ["a3", "a2"]


def test_single_layer(light_pipeline: Pipeline, store: Store) -> None:
    with client(light_pipeline, store) as c:
        relations = c.get("/api/articles/a1/layers/relations").json()
        assert c.get("/api/articles/a1/layers/bogus").status_code == 422
        assert c.get("/api/articles/zzz/layers/relations").status_code == 404
    assert [(r["source"], r["type"], r["target"]) for r in relations] == [("IRN", "supply", "RUS")]


def test_stats_endpoints(light_pipeline: Pipeline, store: Store) -> None:
    with client(light_pipeline, store) as c:
        trend = c.get("/api/stats/prevalence?layer=narratives&by=month").json()
        by_source = c.get("/api/stats/prevalence?layer=techniques&by=source").json()
        network = c.get("/api/stats/network").json()
        stated = c.get("/api/stats/network?modality=factual").json()
        denied = c.get("/api/stats/network?modality=denied").json()
        bad = c.get("/api/stats/network?modality=rumoured")
        roles = c.get("/api/stats/roles").json()
        overview = c.get("/api/stats/overview?source=Daily Planet").json()
    assert trend["buckets"] == ["2024-01", "2024-02", "2024-03"]
    assert trend["series"]["Blaming the war on others"] == [1.0, 0.0, 1.0]
    assert by_source["buckets"] == ["Daily Planet", "Evening Star"]
    assert by_source["series"]["Loaded_Language"] == [pytest.approx(2 / 3, abs=1e-3), 0.5]
    assert network[0] == {
        "source": "IRN",
        "type": "supply",
        "target": "RUS",
        "articles": 2,
        "mentions": 2,
        "factual_articles": 2,
        "modality": "asserted",
    }
    assert stated[0]["articles"] == 2 and denied == [] and bad.status_code == 422
    antagonist = {(r["source"], r["main_role"]): r["n"] for r in roles}
    assert antagonist[("Daily Planet", "Antagonist")] == 2
    assert overview == {"articles": 3, "sources": 1, "first": "2024-01-10", "last": "2024-02-05"}


def test_pages_escape_article_text(light_pipeline: Pipeline) -> None:
    evil = 'Title <script>alert("x")</script>\n\nBody <img src=x onerror=alert(1)> text.'
    with client(light_pipeline) as c:
        page = form(c, {"text": evil})
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_form_rules(light_pipeline: Pipeline, store: Store) -> None:
    with client(light_pipeline, store, token=TOKEN) as c:
        assert form(c, {"text": ""}).status_code == 422
        cross = form(c, {"text": "a\n\nb"}, headers={"Origin": "https://evil.example"})
        assert cross.status_code == 403
        upload = form(c, files={"files": ("a.txt", b"T\n\nbody")})
        assert (
            upload.status_code == 401 and 'id="analyze-form"' in upload.text
        )  # the form again, with the reason
        mixed = form(
            c,
            {"token": TOKEN},
            files=[("files", ("ok.txt", b"T\n\nbody")), ("files", ("x.pdf", b"%PDF-1.4 binary"))],
        )
        assert (
            mixed.status_code == 200
            and "x.pdf: binary file (a PDF document), not text" in mixed.text
        )
        assert mixed.text.count('class="ns-doc"') == 1
        ok = form(
            c,
            {"token": TOKEN},
            files=[
                ("files", ("one.txt", b"First\n\nbody one.")),
                (
                    "files",
                    (
                        "two.html",
                        b"<html><body><h1>Second</h1><p>Body two is here and long enough to count as an article body.</p></body></html>",
                    ),
                ),
            ],
        )
        assert ok.status_code == 200, ok.text
        assert ok.text.count('class="ns-doc"') == 2 and "First" in ok.text
        stored = form(
            c,
            {"text": "Stored\n\nbody text.", "store": "on", "token": TOKEN},
            follow_redirects=False,
        )
        assert stored.status_code == 303
        page = c.get(stored.headers["location"])
        assert page.status_code == 200 and "Stored" in page.text


def test_dashboard_and_article_list_pages(light_pipeline: Pipeline, store: Store) -> None:
    with client(light_pipeline, store) as c:
        dash = c.get("/dashboard")
        hypothetical_only = c.get("/dashboard?relmod=hypothetical")
        listing = c.get("/articles?source=Evening Star")
        article = c.get("/articles/a1")
    assert dash.status_code == 200
    assert dash.text.count("<svg") >= 2  # narrative trend, technique trend, network
    assert "Blaming the war on others" in dash.text and "IRN" in dash.text
    assert 'id="network-modality"' in dash.text and "relmod=denied" in dash.text
    assert "No relations between actors" in hypothetical_only.text
    assert (
        listing.status_code == 200
        and 'href="/articles/a4"' in listing.text
        and "a1" not in listing.text.split("<tbody>")[1]
    )
    assert (
        article.status_code == 200
        and "&lt;b&gt;" in article.text
        and "<b>disgrace" not in article.text
    )
    assert "k-technique" in article.text and "Loaded_Language" in article.text


def test_openapi_lists_the_api(light_pipeline: Pipeline) -> None:
    with client(light_pipeline) as c:
        spec = c.get("/openapi.json").json()
        docs = c.get("/docs")
    assert {
        "/api/analyze",
        "/api/analyze/batch",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/stats/prevalence",
    } <= set(spec["paths"])
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()


def test_serve_says_loopback_only_without_token(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from narrascope.cli import app

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: calls.append(kw))
    monkeypatch.delenv("NARRASCOPE_API_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert "loopback only" in result.output
    assert calls and calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8765


def test_overall_prevalence(light_pipeline: Pipeline, store: Store) -> None:
    with client(light_pipeline, store) as c:
        overall = c.get("/api/stats/prevalence?layer=narratives&by=all").json()
        page = c.get("/dashboard")
    assert overall["buckets"] == ["all"] and overall["totals"] == [5]
    assert overall["series"]["Blaming the war on others"] == [0.6]
    assert 'href="/articles?narrative=Praise+of+Russia"' in page.text


def test_serve_refuses_public_host_without_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from narrascope.cli import app

    monkeypatch.delenv("NARRASCOPE_API_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "without an API token" in result.output


def test_aggregations_are_cached_until_a_write(light_pipeline: Pipeline, store: Store) -> None:
    with client(light_pipeline, store) as c:
        assert c.get("/api/stats/overview").json()["articles"] == 5
        store.con.execute(
            "DELETE FROM articles WHERE article_id = 'a1'"
        )  # behind the server's back
        assert c.get("/api/stats/overview").json()["articles"] == 5  # served from the cache
        c.post("/api/analyze", json={"text": "New\n\nbody.", "store": True}).raise_for_status()
        assert c.get("/api/stats/overview").json()["articles"] == 5  # a1 gone, the new one in


def test_analyze_url_when_private_addresses_are_allowed(light_pipeline: Pipeline) -> None:
    import http.server

    page = (
        b"<html><head><title>Drones for Moscow</title></head><body><article><h1>Drones for Moscow</h1>"
        b"<p>Iran delivered more drones to Russia this month, according to officials in Kyiv who tracked the shipments.</p>"
        b"<p>The European Union answered with new sanctions on the companies involved in the trade.</p>"
        b"<script>document.title = 'ran'</script></article></body></html>"
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as base, client(light_pipeline, allow_private_urls=True) as c:
        url = f"{base}/article.html"
        r = c.post("/api/analyze", json={"url": url})
        page_view = form(c, {"url": url})
    assert r.status_code == 200, r.text
    doc = Document.model_validate_json(r.text)
    assert (
        doc.text.startswith("Drones for Moscow")
        and "European Union" in doc.text
        and "document.title" not in doc.text
    )
    assert doc.url == url
    assert page_view.status_code == 200 and "Iran delivered more drones" in page_view.text
