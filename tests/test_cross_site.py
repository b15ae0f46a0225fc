"""Pages on another origin cannot write into a server, even one without a token (headless Chromium).

The attacks of issue 15: `fetch(..., {mode: 'no-cors'})` with FormData into the upload API and
with a text body into the JSON API, and a form auto-submitted from a sandboxed iframe (Origin
`null`) into the page form; then a forged Host header (DNS rebinding) and the CSRF token.
"""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from chromium import headless_chromium
from local_http import serving
from narrascope.pipeline import Pipeline
from narrascope.server import ServerSettings, create_app
from narrascope.store import Store
from test_server_support import live_server

H = httpx.Client(timeout=120)  # a loaded machine answers slowly

ATTACK = """<!doctype html><html><body>
<script>
const victim = "{victim}";
const data = new FormData();
data.append("files", new Blob(["Forged upload\\n\\nRussia attacked Kyiv."], {{type: "text/plain"}}), "forged.txt");
fetch(victim + "/api/analyze/upload?store=true", {{method: "POST", mode: "no-cors", body: data}})
  .then(() => document.title += " upload-sent");
fetch(victim + "/api/analyze", {{method: "POST", mode: "no-cors",
  headers: {{"Content-Type": "text/plain"}},
  body: JSON.stringify({{text: "Forged json\\n\\nIran armed Russia.", store: true}})}})
  .then(() => document.title += " json-sent");
</script>
<iframe sandbox="allow-forms allow-scripts" srcdoc='
  <form id="f" method="post" action="{victim}/analyze" enctype="multipart/form-data">
  <input name="text" value="Forged form&#10;&#10;China threatened Taiwan.">
  <input name="store" value="on"></form>
  <script>document.getElementById("f").submit()</script>'></iframe>
</body></html>"""


@pytest.fixture(scope="module")
def light() -> Pipeline:
    return Pipeline.from_config(only=["segmentation"])


def attacker_page(victim: str) -> type[BaseHTTPRequestHandler]:
    body = ATTACK.format(victim=victim).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def test_cross_origin_pages_cannot_store_articles(tmp_path, light):
    seen: list[tuple[str, str, str | None]] = []

    with Store(tmp_path / "corpus.duckdb") as store:
        app = create_app(ServerSettings(), pipeline=light, store=store)

        @app.middleware("http")
        async def record(request, call_next):  # noqa: ANN001, ANN202
            response = await call_next(request)
            seen.append(
                (request.url.path, request.headers.get("origin"), str(response.status_code))
            )
            return response

        with live_server(app) as victim, serving(attacker_page(victim)) as evil:
            with headless_chromium() as browser:
                browser.get(evil + "/")
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and not (
                    "upload-sent" in browser.title and "json-sent" in browser.title
                ):
                    time.sleep(0.2)
                time.sleep(2)  # the iframe's form post
            assert store.count() == 0, "a cross-origin page stored an article"
            # the attacks reached the server and were refused there (not blocked by the browser)
            answered = {(path, status) for path, _, status in seen}
            assert {("/api/analyze/upload", "403"), ("/api/analyze", "403")} <= answered, seen
            assert ("/analyze", "null", "403") in seen, seen
            # a same-site client (no Origin header: curl, scripts) still stores
            ok = H.post(victim + "/api/analyze", json={"text": "Own\n\nbody.", "store": True})
            assert ok.status_code == 200 and store.count() == 1


def test_refusals_are_made_by_the_server(tmp_path, light):
    """The same three requests as the browser sends them, with their Origin headers."""
    with Store(tmp_path / "corpus.duckdb") as store:
        app = create_app(ServerSettings(), pipeline=light, store=store)
        with live_server(app) as url:
            evil = {"Origin": "http://127.0.0.1:1"}
            upload = H.post(
                url + "/api/analyze/upload?store=true",
                files={"files": ("f.txt", b"Forged\n\nbody.")},
                headers=evil,
            )
            assert upload.status_code == 403 and "cross-origin" in upload.json()["error"]
            sandboxed = H.post(
                url + "/analyze",
                data={"text": "F\n\nb.", "store": "on"},
                headers={"Origin": "null"},
            )
            assert sandboxed.status_code == 403
            fetch_site = H.post(
                url + "/api/analyze",
                json={"text": "F\n\nb.", "store": True},
                headers={"Sec-Fetch-Site": "cross-site"},
            )
            assert fetch_site.status_code == 403
            assert store.count() == 0
            same = H.post(
                url + "/api/analyze",
                json={"text": "Own\n\nbody.", "store": True},
                headers={"Origin": url},
            )
            assert same.status_code == 200 and store.count() == 1


def test_forged_host_header_is_refused(light):
    app = create_app(ServerSettings(allowed_hosts=("news.example",)), pipeline=light)
    with live_server(app) as url:
        rebound = H.post(
            url + "/api/analyze", json={"text": "T\n\nbody."}, headers={"Host": "evil.example"}
        )
        assert rebound.status_code == 421 and "allowed_hosts" in rebound.json()["error"]
        assert H.get(url + "/", headers={"Host": "evil.example:8000"}).status_code == 421
        named = H.get(url + "/api/health", headers={"Host": "News.Example:8000"})
        assert named.status_code == 200
        assert H.get(url + "/api/health", headers={"Host": "localhost"}).status_code == 200
        assert H.get(url + "/api/health").status_code == 200  # 127.0.0.1:port


def test_page_form_needs_its_csrf_token(tmp_path, light):
    with Store(tmp_path / "corpus.duckdb") as store:
        app = create_app(ServerSettings(), pipeline=light, store=store)
        with live_server(app) as url, httpx.Client(base_url=url, timeout=120) as client:
            no_token = client.post("/analyze", data={"text": "T\n\nbody.", "store": "on"})
            assert no_token.status_code == 403 and 'id="analyze-form"' in no_token.text
            assert "samesite=strict" in no_token.headers["set-cookie"].lower()
            assert "httponly" in no_token.headers["set-cookie"].lower()
            page = client.get("/")
            token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            wrong = client.post("/analyze", data={"text": "T\n\nbody.", "csrf": token[::-1]})
            assert wrong.status_code == 403
            ok = client.post(
                "/analyze",
                data={"text": "T\n\nbody.", "store": "on", "csrf": token},
                follow_redirects=False,
            )
            assert ok.status_code == 303 and store.count() == 1
