"""One article, one text and one id: the web form (CRLF), the API and the CLI agree."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from narrascope.cli.app import app as cli
from narrascope.document import Document
from narrascope.ingest import iter_documents
from narrascope.ingest.documents import normalise_newlines
from narrascope.pipeline import Pipeline
from narrascope.server import ServerSettings, create_app
from narrascope.store import Store

ARTICLE = (
    "Talks resume in Geneva\n\n"
    "Negotiators met again on Tuesday, officials said.\n"
    "Both sides called the meeting useful.\n"
)
CRLF = ARTICLE.replace("\n", "\r\n")


def test_normalise_newlines():
    assert normalise_newlines("a\r\nb\rc\nd\r\n\r\n") == "a\nb\nc\nd\n\n"
    assert normalise_newlines(ARTICLE) is ARTICLE


def test_web_form_api_and_cli_give_the_same_id_and_text(tmp_path: Path):
    pipeline = Pipeline.from_config(only=["segmentation"])
    with Store(tmp_path / "corpus.duckdb") as store:
        app = create_app(ServerSettings(), pipeline=pipeline, store=store)
        with TestClient(app, base_url="http://127.0.0.1") as client:
            api = Document.model_validate_json(
                client.post("/api/analyze", json={"text": ARTICLE}).text
            )
            api_crlf = Document.model_validate_json(
                client.post("/api/analyze", json={"text": CRLF}).text
            )
            # a browser submits a textarea with CRLF line breaks (with the page's CSRF token)
            page = client.get("/").text
            csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            form = client.post(
                "/analyze",
                data={"text": CRLF, "store": "on", "csrf": csrf},
                follow_redirects=False,
            )
            assert form.status_code == 303, form.text
        form_id = form.headers["location"].rsplit("/", 1)[-1]
        [(stored_text,)] = store.query(
            "SELECT json_extract_string(result, '$.text') FROM articles WHERE article_id = ?",
            [form_id],
        )

    file = tmp_path / "article.txt"
    file.write_bytes(CRLF.encode("utf-8"))
    [from_file] = list(iter_documents([str(file)]))
    out, config = tmp_path / "r.jsonl", tmp_path / "light.toml"
    config.write_text('[pipeline]\nanalyzers = ["segmentation"]\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["analyze", "-", "-o", str(out), "--config", str(config)], input=CRLF.encode()
    )
    assert result.exit_code == 0, result.stderr
    from_stdin = json.loads(out.read_text(encoding="utf-8"))

    assert api.text == api_crlf.text == stored_text == from_file.text == ARTICLE
    assert from_stdin["text"] == ARTICLE
    assert api.id == api_crlf.id == form_id == api.content_hash[:16]
    assert from_stdin["id"] == f"stdin:{api.content_hash[:16]}"
