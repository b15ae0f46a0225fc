"""The REST API under /api: analyse text, URLs and batches; read stored articles and aggregations."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

import anyio
from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, model_validator

from narrascope.document import Document, Failure
from narrascope.ingest.documents import date_in_range
from narrascope.server import inputs
from narrascope.server.analysis import Busy, OverBudgetFailure
from narrascope.server.corpus import Corpus, Filters
from narrascope.server.runtime import Runtime
from narrascope.server.security import check_compute, check_write, require_read

# Declares the bearer scheme in the OpenAPI document (the /docs "Authorize" button); the checks
# themselves are `check_write` and `require_read`, which know whether this server has a token.
router = APIRouter(
    prefix="/api",
    tags=["api"],
    dependencies=[Depends(HTTPBearer(auto_error=False, description="NARRASCOPE_API_TOKEN"))],
)
READ = [Depends(require_read)]
ERROR = {"model": dict[str, str], "description": '`{"error": reason}`'}
ERRORS: dict[int | str, dict[str, Any]] = {
    s: ERROR for s in (401, 403, 404, 413, 415, 422, 503, 504)
}


class AnalyzeRequest(BaseModel):
    """One article: its `text` (title line, blank line, body) or a `url` to fetch."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The article: title line, blank line, body.")
    url: str | None = Field(
        None,
        max_length=2048,
        description="An http(s) URL to fetch instead of `text` (public addresses only).",
    )
    id: str | None = Field(
        None, max_length=256, description="Article id (default: derived from the content hash)."
    )
    title: str | None = Field(None, max_length=2000)
    source: str | None = Field(None, max_length=500)
    published: date | datetime | None = None
    store: bool = Field(
        False,
        description="Also store the result in the corpus (needs the token when one is configured).",
    )
    profile: Literal["accurate", "fast"] | None = Field(
        None,
        description="'accurate' (every layer) or 'fast' (triage: static embeddings, actors, "
        "narratives; the other layers are listed in the result's `unavailable`); default: the "
        "server's pipeline.",
    )

    @model_validator(mode="after")
    def _one_input(self) -> AnalyzeRequest:
        if (self.text is None) == (self.url is None):
            raise ValueError("give exactly one of 'text' or 'url'")
        return self


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[AnalyzeRequest] = Field(
        ..., min_length=1, description="Articles to analyse (at most the server's batch limit)."
    )
    store: bool = Field(False, description="Store every result in the corpus.")
    profile: Literal["accurate", "fast"] | None = Field(
        None, description="The profile for every item (see /api/analyze); default: the server's."
    )

    @model_validator(mode="after")
    def _one_profile(self) -> BatchRequest:
        if any(i.profile not in (None, self.profile) for i in self.items):
            raise ValueError("give the profile once, for the whole batch ('profile')")
        return self


class BatchItem(BaseModel):
    index: int
    document: Document | None = None
    error: str | None = None


class BatchResponse(BaseModel):
    results: list[BatchItem]
    stored: int = 0


class ArticleSummary(BaseModel):
    id: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    narratives: str | None = None
    genre: str | None = None


class ArticlePage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[ArticleSummary]


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def corpus(request: Request) -> Corpus:
    rt = runtime(request)
    if rt.corpus is None:
        raise HTTPException(404, "no corpus: the server was started without --db")
    return rt.corpus


def filters(
    q: str = Query("", max_length=200, description="Words in the title or text."),
    source: str = Query("", max_length=500),
    language: str = Query("", max_length=20),
    narrative: str = Query("", max_length=500),
    technique: str = Query("", max_length=200),
    actor: str = Query("", max_length=200),
    date_from: date | None = Query(None, alias="from"),
    date_to: date | None = Query(None, alias="to"),
) -> Filters:
    return Filters(
        q=q,
        source=source,
        language=language,
        narrative=narrative,
        technique=technique,
        actor=actor,
        date_from=date_from,
        date_to=date_to,
    )


# --- analysis --------------------------------------------------------------------------------


async def analyse_documents(
    rt: Runtime, docs: list[Document], profile: str | None = None
) -> list[Document | Failure]:
    try:
        return await rt.queue_for(profile).analyze(docs)
    except Busy as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": "5"}) from None


async def build_document(item: AnalyzeRequest, rt: Runtime) -> Document:
    if item.published is not None and not date_in_range(item.published):
        raise HTTPException(422, "published: out of range (years 1 to 9999 in UTC)")
    try:
        if item.url is not None:
            return await anyio.to_thread.run_sync(inputs.from_url, item.url, rt.settings)
        return inputs.from_text(
            item.text or "",
            rt.settings,
            id=item.id,
            title=item.title,
            source=item.source,
            published=item.published,
        )
    except inputs.InputRejected as exc:
        raise HTTPException(exc.status, exc.reason) from None


async def store_results(rt: Runtime, docs: list[Document]) -> dict[str, str]:
    """Store the documents; returns the reason for each id the store refused (the rest are stored)."""
    if rt.store is None:
        raise HTTPException(404, "no corpus to store into: the server was started without --db")
    if not docs:
        return {}
    return await anyio.to_thread.run_sync(rt.save, docs)


def _json(doc: Document) -> Response:
    return Response(doc.to_json(), media_type="application/json")


@router.post(
    "/analyze",
    response_model=Document,
    responses=ERRORS,
    summary="Analyse one article (text or URL)",
)
async def analyze(item: AnalyzeRequest, request: Request) -> Response:
    """Run the pipeline on one article and return the result document with every layer."""
    rt = runtime(request)
    check_compute(request)
    if item.store:
        check_write(request)
    doc = await build_document(item, rt)
    (result,) = await analyse_documents(rt, [doc], item.profile)
    if isinstance(result, OverBudgetFailure):
        raise HTTPException(504, result.reason)
    if isinstance(result, Failure):
        raise HTTPException(422, result.reason)
    if item.store:
        refused = await store_results(rt, [result])
        if refused:
            raise HTTPException(422, f"cannot store the result: {refused[result.id]}")
    return _json(result)


@router.post(
    "/analyze/batch",
    response_model=BatchResponse,
    responses=ERRORS,
    summary="Analyse several articles",
)
async def analyze_batch(batch: BatchRequest, request: Request) -> BatchResponse:
    """Analyse up to the batch limit of articles together; a bad item gets an error, the rest go on."""
    rt = runtime(request)
    check_write(request)
    if len(batch.items) > rt.settings.max_batch:
        raise HTTPException(
            413, f"batch of {len(batch.items)} items is over the limit of {rt.settings.max_batch}"
        )
    built: list[Document | str] = []
    for item in batch.items:
        try:
            built.append(await build_document(item, rt))
        except HTTPException as exc:
            if exc.status_code == 413:
                raise
            built.append(str(exc.detail))
    return await _analyse_many(rt, built, batch.store, batch.profile)


@router.post(
    "/analyze/upload",
    response_model=BatchResponse,
    responses=ERRORS,
    summary="Analyse uploaded files",
)
async def analyze_upload(
    request: Request, files: list[UploadFile] = File(...), store: bool = Query(False)
) -> BatchResponse:
    """Text or HTML files as multipart form data; the same limits as a batch."""
    rt = runtime(request)
    check_write(request)
    if len(files) > rt.settings.max_batch:
        raise HTTPException(413, f"{len(files)} files is over the limit of {rt.settings.max_batch}")
    built: list[Document | str] = []
    statuses: list[int] = []
    for upload in files:
        data = await upload.read()
        try:
            built.append(
                await anyio.to_thread.run_sync(
                    inputs.from_upload, upload.filename or "upload", data, rt.settings
                )
            )
        except inputs.InputRejected as exc:
            built.append(exc.reason)
            statuses.append(exc.status)
    if len(statuses) == len(files):  # nothing to analyse: the request itself is refused
        status = 415 if 415 in statuses else statuses[0]
        raise HTTPException(status, "; ".join(str(b) for b in built))
    return await _analyse_many(rt, built, store)


async def _analyse_many(
    rt: Runtime, built: list[Document | str], store: bool, profile: str | None = None
) -> BatchResponse:
    """Analyse the documents among `built` (strings are inputs already rejected, with their reason)."""
    docs = [d for d in built if isinstance(d, Document)]
    analysed = iter(await analyse_documents(rt, docs, profile) if docs else [])
    results: list[BatchItem] = []
    good: list[Document] = []
    for i, item in enumerate(built):
        result = (
            next(analysed) if isinstance(item, Document) else Failure(input=str(i), reason=item)
        )
        if isinstance(result, Failure):
            results.append(BatchItem(index=i, error=result.reason))
        else:
            good.append(result)
            results.append(BatchItem(index=i, document=result))
    if not store:
        return BatchResponse(results=results, stored=0)
    refused = await store_results(rt, good)
    for row in results:
        if row.document is not None and row.document.id in refused:
            row.error = f"cannot store the result: {refused[row.document.id]}"
            row.document = None
    return BatchResponse(results=results, stored=len(good) - len(refused))


# --- stored articles -----------------------------------------------------------------------------


@router.get(
    "/articles",
    response_model=ArticlePage,
    responses=ERRORS,
    dependencies=READ,
    summary="Search and filter stored articles",
)
def list_articles(
    request: Request,
    f: Filters = Depends(filters),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> ArticlePage:
    page = corpus(request).list_articles(f, limit=limit, offset=offset)
    return ArticlePage(
        total=page.total,
        offset=page.offset,
        limit=page.limit,
        items=[ArticleSummary(**item) for item in page.items],
    )


LAYERS = tuple(
    name
    for name in Document.model_fields
    if name
    not in {
        "schema_version",
        "id",
        "title",
        "text",
        "source",
        "url",
        "published",
        "content_hash",
        "meta",
    }
)


@router.get(
    "/articles/{article_id:path}/layers/{layer}",
    responses=ERRORS,
    dependencies=READ,
    summary="One layer of a stored article",
)
def get_layer(article_id: str, layer: Literal[LAYERS], request: Request) -> Any:  # type: ignore[valid-type]
    """Just one layer (e.g. `relations`, `narratives`, `techniques`) of a stored article.

    Registered before the article route: ids may hold '/' (URLs, folders), so that route takes
    the rest of the path."""
    text = corpus(request).result_json(article_id)
    if text is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    return json.loads(text).get(layer)


@router.get(
    "/articles/{article_id:path}",
    response_model=Document,
    responses=ERRORS,
    dependencies=READ,
    summary="One stored article with all its layers",
)
def get_article(article_id: str, request: Request) -> Response:
    text = corpus(request).result_json(article_id)
    if text is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    return Response(text, media_type="application/json")


# --- aggregations --------------------------------------------------------------------------------


@router.get(
    "/stats/overview",
    responses=ERRORS,
    dependencies=READ,
    summary="Article, source and date counts",
)
def stats_overview(request: Request, f: Filters = Depends(filters)) -> dict[str, Any]:
    return corpus(request).overview(f)


@router.get(
    "/stats/choices", responses=ERRORS, dependencies=READ, summary="Values for filter menus"
)
def stats_choices(request: Request) -> dict[str, list[str]]:
    return corpus(request).choices()


@router.get(
    "/stats/prevalence",
    responses=ERRORS,
    dependencies=READ,
    summary="Share of articles per label, by month or by source",
)
def stats_prevalence(
    request: Request,
    layer: Literal["narratives", "subnarratives", "techniques", "frames", "genre"] = "narratives",
    by: Literal["month", "source", "all"] = "month",
    top: int = Query(8, ge=1, le=30),
    f: Filters = Depends(filters),
) -> dict[str, Any]:
    return corpus(request).prevalence(layer, f, by=by, top=top)


@router.get(
    "/stats/roles",
    responses=ERRORS,
    dependencies=READ,
    summary="Main-role profiles of the top actors by source",
)
def stats_roles(
    request: Request,
    actors: int = Query(10, ge=1, le=50),
    sources: int = Query(6, ge=1, le=30),
    f: Filters = Depends(filters),
) -> list[dict[str, Any]]:
    return corpus(request).role_profiles(f, top_actors=actors, top_sources=sources)


# the modality filters of the network and the language comparison: "factual" (asserted and
# reported), one modality, or empty for all
MODALITY_FILTER = "^(|factual|asserted|reported|alleged|planned|hypothetical|called_for|denied)$"


@router.get(
    "/stats/network",
    responses=ERRORS,
    dependencies=READ,
    summary="The actor network: relation counts",
)
def stats_network(
    request: Request,
    edges: int = Query(40, ge=1, le=500),
    modality: str = Query(
        "",
        pattern=MODALITY_FILTER,
        description="'factual' (asserted and reported), one modality, or empty for all",
    ),
    f: Filters = Depends(filters),
) -> list[dict[str, Any]]:
    return corpus(request).network(f, top_edges=edges, modality=modality)


@router.get(
    "/stats/languages",
    responses=ERRORS,
    dependencies=READ,
    summary="Compare languages: share of articles per label, side by side",
)
def stats_languages(
    request: Request,
    layer: Literal[
        "narratives",
        "subnarratives",
        "techniques",
        "frames",
        "genre",
        "roles",
        "relations",
        "actors",
    ] = "narratives",
    languages: str = Query(
        "",
        max_length=200,
        pattern=r"^[A-Za-z0-9_()\-]*(,[A-Za-z0-9_()\-]+)*$",
        description="Comma-separated language codes (e.g. 'ru,bg,en'); default: the largest "
        "languages of the selection. The `language` filter is ignored here.",
    ),
    top: int = Query(10, ge=1, le=30),
    max_languages: int = Query(6, ge=1, le=20),
    modality: str = Query(
        "",
        pattern=MODALITY_FILTER,
        description="relations only: 'factual' (asserted and reported), one modality, or empty",
    ),
    f: Filters = Depends(filters),
) -> dict[str, Any]:
    """Per language: articles, how many were analysed for the layer, and why the others were not
    (`unavailable`: reason -> articles); per label, the share (`shares`) and number (`counts`) of
    each language's analysed articles. A language with no analysed article (`comparable`: false)
    has null, not 0, for every label."""
    codes = tuple(code for code in languages.split(",") if code)
    return corpus(request).language_comparison(
        layer, f, languages=codes, top=top, max_languages=max_languages, modality=modality
    )


@router.get("/health", summary="Server status")
def health(request: Request) -> dict[str, Any]:
    rt = runtime(request)
    pipeline = rt.queue.pipeline
    return {
        "status": "ok",
        "version": request.app.version,
        "analyzers": pipeline.names if pipeline else [],
        "corpus": rt.corpus is not None,
        "writes_need_token": rt.settings.token is not None,
        "pending": rt.queue.pending,
    }
