"""The FastAPI application: one pipeline and one store per process, pages and the REST API.

`create_app` takes everything it needs as arguments so tests can pass a small pipeline or a
prepared store; `narrascope serve` builds it from the command line and the config file.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

import narrascope
from narrascope.pipeline import Pipeline
from narrascope.server import api, pages
from narrascope.server.analysis import AnalysisQueue
from narrascope.server.runtime import Runtime
from narrascope.server.security import BodyLimit, RequestGuard
from narrascope.server.settings import ServerSettings

STATIC = Path(__file__).parent / "static"


def create_app(
    settings: ServerSettings | None = None,
    pipeline: Pipeline | Callable[[], Pipeline] | None = None,
    store=None,  # noqa: ANN001 - a narrascope.store.Store
) -> FastAPI:
    """The web app and API. `pipeline`: a built pipeline, a factory, or None for the config's."""
    settings = settings or ServerSettings.load()
    if isinstance(pipeline, Pipeline):
        built = pipeline
        factory: Callable[[], Pipeline] = lambda: built  # noqa: E731
    elif pipeline is not None:
        factory = pipeline
    else:
        factory = lambda: Pipeline.from_config(pipeline_config(settings.config))  # noqa: E731
    owns_store = store is None and settings.db is not None
    if store is None and settings.db is not None:
        from narrascope.store import Store

        store = Store(settings.db)
    runtime = Runtime(
        settings,
        AnalysisQueue(
            factory, settings.batch_size, settings.max_pending, settings.analysis_timeout
        ),
        store,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.queue.start()
        try:
            yield
        finally:
            await runtime.queue.stop()
            await runtime.stop_profiles()
            if owns_store:
                store.close()  # checkpoints the write-ahead log into the file

    app = FastAPIOffline(
        title="narrascope",
        version=narrascope.__version__,
        description=(
            "Analyse news about international security: relations between states, narratives, roles, "
            "persuasion techniques, frames and genre, each with character offsets into the text. "
            "Writes (storing results, batches, uploads) need `Authorization: Bearer <token>` when the "
            "server has a token (NARRASCOPE_API_TOKEN)."
        ),
        lifespan=lifespan,
        static_url="/static/docs",
    )
    app.state.settings = settings
    app.state.runtime = runtime
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        RequestGuard, allowed_hosts=frozenset(h.strip().lower() for h in settings.allowed_hosts)
    )
    app.mount("/static/app", StaticFiles(directory=STATIC), name="static")
    _install_error_handlers(app)

    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def pipeline_config(path: Path | None) -> Path | None:
    """The config file for the pipeline: `path` unless it has only a [server] table, else the
    packaged default.

    A file with only a [server] table then sets the server up without emptying the pipeline; any
    other table makes it a pipeline config, validated as such (a typo `[pipline]` is an error).
    """
    if path is None:
        return None
    tables = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return None if set(tables) <= {"server"} else path


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or "text/html" not in request.headers.get(
        "accept", ""
    )


def _install_error_handlers(app: FastAPI) -> None:
    """Every error is `{"error": reason}` for the API and a short escaped page for browsers."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):  # noqa: ANN202
        reason = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if _wants_json(request):
            return JSONResponse(
                {"error": reason},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        return pages.error_page(request, exc.status_code, reason)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "request"
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        return JSONResponse({"error": "invalid request: " + "; ".join(problems)}, status_code=422)
