"""Server faults of issue 15, against a real server on 127.0.0.1 and a real DuckDB store:
out-of-range dates, ids with '/', analysis open despite a token, binary uploads, invisible text."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from narrascope.ingest import IngestOptions
from narrascope.ingest.documents import build_document, is_blank
from narrascope.pipeline import Pipeline
from narrascope.server import ServerSettings, create_app
from narrascope.store import Store
from test_server_support import live_server

H = httpx.Client(timeout=120)  # a loaded machine answers slowly
TOKEN = "t0ken-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def light() -> Pipeline:
    return Pipeline.from_config(only=["segmentation"])


def test_out_of_range_dates_are_4xx_and_do_not_sink_the_batch(tmp_path, light):
    with (
        Store(tmp_path / "c.duckdb") as store,
        live_server(create_app(ServerSettings(), pipeline=light, store=store)) as url,
    ):
        far = "9999-12-31T23:59:59-14:00"
        one = H.post(
            f"{url}/api/analyze", json={"text": "T\n\nbody.", "published": far, "store": True}
        )
        assert one.status_code == 422 and "out of range" in one.json()["error"]
        batch = H.post(
            f"{url}/api/analyze/batch",
            json={
                "items": [
                    {"text": "Bad\n\nbody.", "published": far},
                    {"text": "Good\n\nbody.", "published": "2024-03-01T10:00:00+02:00"},
                    {"text": "Early\n\nbody.", "published": "0001-01-01T05:00:00+14:00"},
                ],
                "store": True,
            },
        )
        assert batch.status_code == 200, batch.text
        results = batch.json()["results"]
        assert "out of range" in results[0]["error"] and "out of range" in results[2]["error"]
        assert results[1]["document"]["title"] == "Good"
        assert batch.json()["stored"] == 1 and store.count() == 1
    # files and records: a warning, the date dropped, the article kept
    doc = build_document(IngestOptions(), id="x", text="T\n\nbody.", input="x", published=far)
    assert doc.published is None and any("out of range" in w for w in doc.warnings)


def test_store_writes_a_date_beyond_utc_range_without_error(tmp_path):
    from datetime import datetime, timedelta, timezone

    from narrascope.document import Document

    late = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14)))
    with Store(tmp_path / "c.duckdb") as store:
        store.write([Document(id="late", text="T\n\nbody.", published=late)])
        assert store.query("SELECT published FROM articles") == [(None,)]
        assert store.get("late").published == late


def test_ids_with_slashes_open_in_the_api_and_pages(tmp_path, light):
    ids = ["https://news.example/2024/05/story?id=3", "sub/a.txt", "notes.txt#0a1b2c3d4e5f"]
    with (
        Store(tmp_path / "c.duckdb") as store,
        live_server(create_app(ServerSettings(), pipeline=light, store=store)) as url,
    ):
        for i, article_id in enumerate(ids):
            r = H.post(
                f"{url}/api/analyze",
                json={"text": f"Story {i}\n\nbody {i}.", "id": article_id, "store": True},
            )
            assert r.status_code == 200, r.text
        listing = H.get(f"{url}/articles")
        for i, article_id in enumerate(ids):
            for path in (quote(article_id, safe=""), quote(article_id, safe="/")):
                api = H.get(f"{url}/api/articles/{path}")
                assert api.status_code == 200 and api.json()["id"] == article_id, path
                layer = H.get(f"{url}/api/articles/{path}/layers/sentences")
                assert layer.status_code == 200 and layer.json()[0]["start"] == 0
                page = H.get(f"{url}/articles/{path}")
                assert page.status_code == 200 and f"Story {i}" in page.text
        # every link of the article list opens
        hrefs = [h.split('"')[0] for h in listing.text.split('href="/articles/')[1:]]
        hrefs = [h for h in hrefs if not h.startswith("?")]
        assert len(hrefs) == 3
        for href in hrefs:
            assert H.get(f"{url}/articles/{href}").status_code == 200, href


def test_a_token_guards_analysis_too_unless_opened(light):
    protected = ServerSettings(token=TOKEN, protect_reads=True)
    with live_server(create_app(protected, pipeline=light)) as url:
        body = {"text": "T\n\nbody."}
        assert H.post(f"{url}/api/analyze", json=body).status_code == 401
        assert H.post(f"{url}/api/analyze", json=body, headers=AUTH).status_code == 200
        with httpx.Client(
            base_url=url, headers=AUTH, timeout=120
        ) as client:  # the page form, with the page
            page = client.get("/")
            csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            bare = client.post("/analyze", data={"text": "T\n\nbody.", "csrf": csrf})
            assert bare.status_code == 200  # the header is there (e.g. added by a proxy)
        with httpx.Client(base_url=url, timeout=120) as client:
            client.cookies.set("narrascope_csrf", csrf)
            refused = client.post("/analyze", data={"text": "T\n\nbody.", "csrf": csrf})
            assert refused.status_code == 401
            given = client.post(
                "/analyze", data={"text": "T\n\nbody.", "csrf": csrf, "token": TOKEN}
            )
            assert given.status_code == 200
    opened = ServerSettings(token=TOKEN, open_analysis=True)
    with live_server(create_app(opened, pipeline=light)) as url:
        assert H.post(f"{url}/api/analyze", json={"text": "T\n\nbody."}).status_code == 200
        stored = H.post(f"{url}/api/analyze", json={"text": "T\n\nb.", "store": True})
        assert stored.status_code == 401  # storing still needs the token


def test_binary_upload_is_415_and_invisible_text_is_empty(light):
    with live_server(create_app(ServerSettings(), pipeline=light)) as url:
        binary = H.post(
            f"{url}/api/analyze/upload", files={"files": ("x.pdf", b"%PDF-1.7\n\x00\x01binary")}
        )
        assert binary.status_code == 415 and "binary" in binary.json()["error"]
        mixed = H.post(
            f"{url}/api/analyze/upload",
            files=[("files", ("x.pdf", b"%PDF-1.7\x00")), ("files", ("ok.txt", b"T\n\nbody."))],
        )
        assert mixed.status_code == 200
        assert [bool(r["error"]) for r in mixed.json()["results"]] == [True, False]
        invisible = "\u200b\u200c\u200d\u2060\ufeff \u00ad\n\u200b"
        r = H.post(f"{url}/api/analyze", json={"text": invisible})
        assert r.status_code == 422 and "empty text" in r.json()["error"]
    assert is_blank(invisible) and not is_blank("\u200ba")
    failure = build_document(IngestOptions(), id="z", text=invisible, input="z.txt")
    assert failure.reason == "empty text"
