"""Property-based fuzzing of the OpenAPI spec (schemathesis): no input may cause a 5xx.

Runs in-process against the ASGI app with a token configured and a small corpus, so both the
open reads and the refused/authorised writes are exercised. The pipeline is the light
segmentation-only one: this test is about the HTTP layer; the default pipeline's robustness
on odd texts is covered by the pipeline's own tests.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')"
)
from hypothesis import HealthCheck, settings  # noqa: E402  (schemathesis depends on hypothesis)

from narrascope.pipeline import Pipeline  # noqa: E402
from narrascope.server import ServerSettings, create_app  # noqa: E402
from narrascope.store import Store  # noqa: E402
from test_server_support import documents  # noqa: E402


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory):
    store = Store(tmp_path_factory.mktemp("fuzz") / "corpus.duckdb")
    store.write(documents())
    app = create_app(
        ServerSettings(
            token="fuzz-token",
            max_batch=4,
            max_text_chars=20_000,
            max_body_bytes=200_000,
            allowed_hosts=("testserver",),  # the in-process client's host name
        ),
        pipeline=Pipeline.from_config(only=["segmentation"]),
        store=store,
    )
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    store.close()


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case) -> None:  # noqa: ANN001
    # with the token, writes go past the auth check into parsing, analysis and the store
    response = case.call(headers={"Authorization": "Bearer fuzz-token"})
    where = f"{case.operation.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    assert response.status_code < 500, where
    if response.status_code >= 400:
        assert "error" in response.json(), where
