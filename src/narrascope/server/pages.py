"""HTML pages: the analyse form, analysis pages, the article list and the corpus dashboard.

Templates autoescape everything; the only unescaped HTML is what `narrascope.report` and
`charts` build, and both escape every piece of text they take from articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import anyio
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.datastructures import UploadFile

from narrascope.config import PROFILES
from narrascope.document import Document, Failure
from narrascope.report import assets
from narrascope.report.html import render_section
from narrascope.report.palette import Palette
from narrascope.server import charts, inputs
from narrascope.server.analysis import Busy
from narrascope.server.corpus import Corpus, Filters
from narrascope.server.runtime import SECURITY_HEADERS, Runtime
from narrascope.server.security import (
    CSRF_FIELD,
    check_compute,
    check_csrf,
    check_write,
    csrf_token,
    require_read,
    set_csrf_cookie,
)

router = APIRouter(include_in_schema=False)
# autoescape on for every template: article text is always escaped
templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)
)


def _rt(request: Request) -> Runtime:
    return request.app.state.runtime


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    rt = _rt(request)
    context.setdefault("has_corpus", rt.corpus is not None)
    context.setdefault("needs_token", rt.settings.token is not None)
    token, new = csrf_token(request)
    context.setdefault("csrf", token)
    response = templates.TemplateResponse(
        request, name, context, status_code=status, headers=SECURITY_HEADERS
    )
    if new:
        set_csrf_cookie(response, token)
    return response


def error_page(request: Request, status: int, reason: str) -> Response:
    return render(request, "error.html", status=status, status_code=status, reason=reason)


# --- assets --------------------------------------------------------------------------------------


@router.get("/static/report.css")
def report_css() -> Response:
    return Response(assets.css(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get("/static/report.js")
def report_js() -> Response:
    return Response(
        assets.js(), media_type="text/javascript", headers={"Cache-Control": "max-age=3600"}
    )


# --- analyse -------------------------------------------------------------------------------------


@router.get("/")
def index(request: Request) -> Response:
    require_read(request)
    return render(request, "index.html", text="", url="")


@router.post("/analyze")
async def analyze_form(request: Request) -> Response:
    """The form on the front page: pasted text, a URL, or files; shows the analysis page."""
    rt = _rt(request)
    async with request.form(max_files=rt.settings.max_batch, max_fields=20) as form:
        try:
            check_csrf(request, str(form.get(CSRF_FIELD) or "") or None)
        except HTTPException as exc:
            return render(request, "index.html", status=403, text="", url="", error=exc.detail)
        text = str(form.get("text") or "")
        url = str(form.get("url") or "").strip()
        token = str(form.get("token") or "") or None
        store = form.get("store") == "on"
        profile = str(form.get("profile") or "") or None
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        files = [(f.filename or "upload", await f.read()) for f in uploads]
    given = sum(bool(x) for x in (text.strip(), url, files))
    if given != 1:
        return render(
            request,
            "index.html",
            status=422,
            text=text,
            url=url,
            error="Give one of: pasted text, a URL, or files.",
        )
    try:
        check_compute(request, token)
        if store or files:
            check_write(request, token)
        if store and rt.store is None:
            raise HTTPException(404, "no corpus to store into: the server was started without --db")
    except HTTPException as exc:  # show the form again, with what was typed
        return render(
            request, "index.html", status=exc.status_code, text=text, url=url, error=exc.detail
        )
    rejected: list[Failure] = []
    try:
        if files:
            if len(files) > rt.settings.max_batch:
                raise inputs.InputRejected(
                    413, f"{len(files)} files is over the limit of {rt.settings.max_batch}"
                )
            docs = []
            for name, data in files:
                try:
                    docs.append(
                        await anyio.to_thread.run_sync(inputs.from_upload, name, data, rt.settings)
                    )
                except inputs.InputRejected as exc:
                    rejected.append(Failure(input=name, reason=exc.reason))
        elif url:
            docs = [await anyio.to_thread.run_sync(inputs.from_url, url, rt.settings)]
        else:
            docs = [inputs.from_text(text, rt.settings, name="pasted text")]
    except inputs.InputRejected as exc:
        return render(
            request, "index.html", status=exc.status, text=text, url=url, error=exc.reason
        )
    if profile not in (None, *PROFILES):
        return render(
            request, "index.html", status=422, text=text, url=url, error="Unknown profile."
        )
    try:
        results = await rt.queue_for(profile).analyze(docs) if docs else []
    except Busy as exc:
        return render(request, "index.html", status=503, text=text, url=url, error=str(exc))
    good = [r for r in results if isinstance(r, Document)]
    failures = rejected + [r for r in results if isinstance(r, Failure)]
    if store and good:
        await anyio.to_thread.run_sync(rt.save, good)
        if len(good) == 1 and not failures:
            return RedirectResponse(f"/articles/{_quote(good[0].id)}", status_code=303)
    return analysis_page(request, good, failures=failures, stored=store)


def _quote(value: str) -> str:
    return quote(value, safe="")


def analysis_page(
    request: Request, docs: list[Document], failures: Sequence[Failure] = (), stored: bool = False
) -> Response:
    palette = Palette.for_docs(docs) if docs else None
    sections = [Markup(render_section(doc, palette)) for doc in docs]
    title = docs[0].title if len(docs) == 1 and docs[0].title else f"{len(docs)} articles"
    return render(
        request,
        "analysis.html",
        docs=docs,
        sections=sections,
        failures=failures,
        stored=stored,
        title=title,
    )


# --- stored articles -----------------------------------------------------------------------------


def _filters(request: Request) -> Filters:
    p = request.query_params

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(p.get(name, "")) if p.get(name) else None
        except ValueError:
            raise HTTPException(422, f"{name}: not a date (use YYYY-MM-DD)") from None

    def text(name: str) -> str:
        return p.get(name, "")[:500]

    return Filters(
        q=text("q"),
        source=text("source"),
        language=text("language"),
        narrative=text("narrative"),
        technique=text("technique"),
        actor=text("actor"),
        date_from=day("from"),
        date_to=day("to"),
    )


def _corpus(request: Request) -> Corpus:
    rt = _rt(request)
    if rt.corpus is None:
        raise HTTPException(404, "no corpus: start the server with --db corpus.duckdb")
    return rt.corpus


@router.get("/articles")
def articles(request: Request) -> Response:
    require_read(request)
    corpus = _corpus(request)
    f = _filters(request)
    try:
        page_no = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page_no = 1
    size = _rt(request).settings.page_size
    page = corpus.list_articles(f, limit=size, offset=(page_no - 1) * size)
    params = {k: v for k, v in request.query_params.items() if k != "page" and v}
    pages = max(1, -(-page.total // size))
    link = lambda n: "/articles?" + urlencode({**params, "page": n})  # noqa: E731
    return render(
        request,
        "articles.html",
        page=page,
        f=f,
        choices=corpus.choices(),
        page_no=page_no,
        pages=pages,
        prev_link=link(page_no - 1) if page_no > 1 else None,
        next_link=link(page_no + 1) if page_no < pages else None,
    )


@router.get("/articles/{article_id:path}")
def article(article_id: str, request: Request) -> Response:
    require_read(request)
    text = _corpus(request).result_json(article_id)
    if text is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    return analysis_page(request, [Document.model_validate_json(text)], stored=True)


# --- dashboard -----------------------------------------------------------------------------------


@router.get("/dashboard")
def dashboard(request: Request) -> Response:
    require_read(request)
    corpus = _corpus(request)
    f = _filters(request)
    overview = corpus.overview(f)
    query = urlencode({k: v for k, v in request.query_params.items() if v})
    narratives = corpus.prevalence_views("narratives", f, top=10)
    techniques = corpus.prevalence_views("techniques", f, top=10)
    context: dict[str, Any] = dict(
        f=f,
        overview=overview,
        choices=corpus.choices(),
        query=query,
        narrative_share=charts.bars(narratives["all"], "narrative"),
        technique_share=charts.bars(techniques["all"], "technique"),
        narrative_trend=charts.line_chart(_first(narratives["month"], 8), "narratives over time"),
        narrative_sources=charts.heatmap(_first(narratives["source"], 8), "narrative"),
        technique_trend=charts.line_chart(_first(techniques["month"], 8), "techniques over time"),
        technique_sources=charts.heatmap(_first(techniques["source"], 8), "technique"),
        roles=charts.role_bars(corpus.role_profiles(f)),
        network=charts.network(corpus.network(f, modality=_relation_modality(request))),
        relation_modality=_relation_modality(request),
        network_query=urlencode(
            {k: v for k, v in request.query_params.items() if v and k != "relmod"}
        ),
        relation_modalities=RELATION_MODALITIES,
        **_language_comparison(request, corpus, f),
    )
    return render(request, "dashboard.html", **context)


# layer -> (row heading, the article-list filter its labels link to, if any)
COMPARED_LAYERS = {
    "narratives": ("narrative", "narrative"),
    "subnarratives": ("subnarrative", "narrative"),
    "techniques": ("technique", "technique"),
    "roles": ("actor as role", ""),
    "relations": ("relation", ""),
    "actors": ("actor mentioned", "actor"),
    "frames": ("frame", ""),
    "genre": ("genre", ""),
}


def _language_comparison(request: Request, corpus: Corpus, f: Filters) -> dict[str, Any]:
    """The dashboard's side-by-side languages section (`?cmp=LAYER`, default narratives)."""
    layer = request.query_params.get("cmp", "")
    layer = layer if layer in COMPARED_LAYERS else "narratives"
    row_title, filter_name = COMPARED_LAYERS[layer]
    modality = _relation_modality(request) if layer == "relations" else ""
    data = corpus.language_comparison(layer, f, top=12, modality=modality)
    return dict(
        compare_layer=layer,
        compare_layers=list(COMPARED_LAYERS),
        compare_query=urlencode(
            {k: v for k, v in request.query_params.items() if v and k != "cmp"}
        ),
        language_comparison=charts.language_table(data, filter_name, row_title),
    )


RELATION_MODALITIES = (
    "factual",
    "asserted",
    "reported",
    "alleged",
    "planned",
    "hypothetical",
    "called_for",
    "denied",
)


def _relation_modality(request: Request) -> str:
    """The dashboard network's modality filter ('' = all relations)."""
    value = request.query_params.get("relmod", "")
    return value if value in RELATION_MODALITIES else ""


def _first(view: dict[str, Any], n: int) -> dict[str, Any]:
    """The view restricted to its `n` most frequent labels (fewer lines keep a chart readable)."""
    labels = view["labels"][:n]
    return {**view, "labels": labels, "series": {label: view["series"][label] for label in labels}}
