"""Read-side SQL over the corpus store: the article list and the dashboard's aggregations.

Every number is computed by DuckDB (GROUP BY over the layer tables), never by looping over rows
in Python, so a dashboard over 100,000 articles answers in well under a second. Each method
opens its own cursor, so request threads can read concurrently.
"""

from __future__ import annotations

import copy
import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

import duckdb

T = TypeVar("T")


@dataclass(frozen=True)
class Filters:
    """Which articles an aggregation or list covers; empty fields do not filter."""

    q: str = ""
    source: str = ""
    language: str = ""
    narrative: str = ""
    technique: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def where(self) -> tuple[str, list[Any]]:
        """A WHERE clause over `articles a` and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.q:
            clauses.append("(a.title ILIKE ? ESCAPE '\\' OR a.text ILIKE ? ESCAPE '\\')")
            like = "%" + self.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [like, like]
        if self.source:
            clauses.append("a.source = ?")
            params.append(self.source)
        if self.language:
            clauses.append("a.language = ?")
            params.append(self.language)
        if self.date_from:
            clauses.append("a.published >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("a.published < ? + INTERVAL 1 DAY")
            params.append(self.date_to)
        if self.narrative:
            clauses.append("a.article_id IN (SELECT article_id FROM narratives WHERE label = ?)")
            params.append(self.narrative)
        if self.technique:
            clauses.append(
                "a.article_id IN (SELECT article_id FROM technique_spans WHERE technique = ?"
                " UNION SELECT article_id FROM technique_paragraphs WHERE label = ?)"
            )
            params += [self.technique, self.technique]
        if self.actor:
            clauses.append(
                "a.article_id IN (SELECT article_id FROM roles WHERE coalesce(actor, entity) = ?"
                " UNION SELECT article_id FROM actors WHERE actor = ?"
                " UNION SELECT article_id FROM relations WHERE source = ? OR target = ?)"
            )
            params += [self.actor] * 4
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def selection(self, analysed_for: str = "") -> tuple[str, list[Any]]:
        """A CTE `sel(article_id, source, month)` of the filtered articles; with a step name, only
        those analysed for it (so a share is never diluted by articles the layer was not run on)."""
        where, params = self.where()
        if analysed_for:
            where += (" AND " if where else " WHERE ") + f"{not_analysed(analysed_for)} IS NULL"
        sql = (
            "sel AS (SELECT a.article_id, coalesce(a.source, '(unknown)') AS source,"
            " date_trunc('month', a.published) AS month FROM articles a" + where + ")"
        )
        return sql, params

    def is_empty(self) -> bool:
        return not any(
            [
                self.q,
                self.source,
                self.language,
                self.narrative,
                self.technique,
                self.actor,
                self.date_from,
                self.date_to,
            ]
        )


@dataclass
class Page:
    total: int
    offset: int
    limit: int
    items: list[dict[str, Any]] = field(default_factory=list)


# (article_id, label) pairs per layer; the dashboard counts articles, not mentions.
_NARRATIVE_PAIRS = "SELECT DISTINCT article_id, label FROM narratives WHERE level = ?"
_TECHNIQUE_PAIRS = (
    "SELECT article_id, technique AS label FROM technique_spans"
    " UNION SELECT article_id, label FROM technique_paragraphs"
)


# Layers a language comparison can count, and the pipeline step whose `unavailable` marker (and
# `analyzers` entry) says whether an article was analysed for the layer.
COMPARE_STEPS: dict[str, str] = {
    "narratives": "narratives",
    "subnarratives": "narratives",
    "techniques": "techniques",
    "frames": "frames",
    "genre": "genre",
    "roles": "roles",
    "relations": "relations",
    "actors": "actors",
}
# steps that produce a layer in another profile's pipeline (the fast profile's `actor_names`)
STAND_INS: dict[str, tuple[str, ...]] = {"actors": ("actor_names",)}
_ROLE_PAIRS = (
    "SELECT DISTINCT article_id, coalesce(actor, entity) || ' as ' || main_role AS label"
    " FROM roles WHERE main_role IS NOT NULL"
)
_ACTOR_PAIRS = "SELECT DISTINCT article_id, actor AS label FROM actors WHERE actor IS NOT NULL"
_RELATION_PAIRS = (
    "SELECT DISTINCT article_id, source || ' ' || type || ' ' || target AS label FROM relations"
)
NOT_RUN = "not in the pipeline"  # the reason of an article analysed without the layer's step


def not_analysed(step: str) -> str:
    """SQL over `articles a`: why the article was not analysed for `step`, NULL when it was.

    The reason is the document's `unavailable` marker (no model for its language, a profile
    without the step), or NOT_RUN when its pipeline lacked the step. An empty (or missing)
    `analyzers` list is a document stored without one: the step is assumed to have run.
    """
    ran = " OR ".join(
        f"json_contains(a.analyzers, '\"{name}\"')" for name in (step, *STAND_INS.get(step, ()))
    )
    return (
        f"coalesce(json_extract_string(a.unavailable, '$.{step}'),"
        " CASE WHEN coalesce(json_array_length(a.analyzers), 0) > 0"
        f" AND NOT ({ran}) THEN '{NOT_RUN}' END)"
    )


def _cached(method: Callable[..., T]) -> Callable[..., T]:
    """Remember an aggregation's result until the store changes (`Corpus.invalidate`).

    The server is the store's only writer (DuckDB locks the file), so clearing on each write is
    exact; repeated dashboard views then cost nothing.
    """

    @functools.wraps(method)
    def wrapper(self: Corpus, *args: Any, **kwargs: Any) -> T:
        key = (method.__name__, args, tuple(sorted(kwargs.items())))
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return copy.deepcopy(self._cache[key])
        value = method(self, *args, **kwargs)
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return copy.deepcopy(value)

    return wrapper


class Corpus:
    """Queries over a store's DuckDB connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, cache_size: int = 256) -> None:
        self.con = con
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Forget cached aggregations (call after every write to the store)."""
        with self._lock:
            self._cache.clear()

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.con.cursor()
        try:
            result = cur.execute(sql, params or [])
            names = [d[0] for d in result.description]
            return [dict(zip(names, row)) for row in result.fetchall()]
        finally:
            cur.close()

    # --- articles ------------------------------------------------------------------------------

    @_cached
    def list_articles(self, filters: Filters, limit: int = 50, offset: int = 0) -> Page:
        where, params = filters.where()
        # one scan for the page and the total; the per-article labels are looked up for the page only
        items = self._rows(
            "WITH page AS (SELECT a.article_id, a.title, a.source, a.url, a.published, a.language,"
            " count(*) OVER () AS total FROM articles a"
            + where
            + " ORDER BY a.published DESC NULLS LAST, a.article_id LIMIT ? OFFSET ?),"
            " narr AS (SELECT n.article_id, string_agg(DISTINCT n.label, '; ' ORDER BY n.label) AS narratives"
            "  FROM narratives n WHERE n.level = 'narrative' AND n.article_id IN (SELECT article_id FROM page) GROUP BY 1),"
            " gen AS (SELECT g.article_id, any_value(g.label) AS genre FROM genre g"
            "  WHERE g.article_id IN (SELECT article_id FROM page) GROUP BY 1)"
            " SELECT p.article_id AS id, p.title, p.source, p.url, p.published, p.language, p.total, narr.narratives, gen.genre"
            " FROM page p LEFT JOIN narr USING (article_id) LEFT JOIN gen USING (article_id)"
            " ORDER BY p.published DESC NULLS LAST, p.article_id",
            params + [limit, offset],
        )
        if items:
            total = int(items[0]["total"])
        else:
            total = self._rows("SELECT count(*) AS n FROM articles a" + where, params)[0]["n"]
        for item in items:
            del item["total"]
            if item["published"] is not None:
                item["published"] = item["published"].date().isoformat()
        return Page(total=total, offset=offset, limit=limit, items=items)

    def result_json(self, article_id: str) -> str | None:
        """The stored result document (JSON text) of one article, or None."""
        rows = self._rows("SELECT result FROM articles WHERE article_id = ? LIMIT 1", [article_id])
        return rows[0]["result"] if rows else None

    # --- overview and filter choices -------------------------------------------------------------

    @_cached
    def overview(self, filters: Filters) -> dict[str, Any]:
        where, params = filters.where()
        row = self._rows(
            "SELECT count(*) AS articles, count(DISTINCT a.source) AS sources,"
            " min(a.published) AS first, max(a.published) AS last FROM articles a" + where,
            params,
        )[0]
        for key in ("first", "last"):
            row[key] = row[key].date().isoformat() if row[key] is not None else None
        return row

    @_cached
    def choices(self) -> dict[str, list[str]]:
        """Values for the filter menus (bounded lists)."""
        return {
            "sources": [
                r["v"]
                for r in self._rows(
                    "SELECT source AS v, count(*) AS n FROM articles WHERE source IS NOT NULL GROUP BY 1 ORDER BY n DESC, v LIMIT 200"
                )
            ],
            "languages": [
                r["v"]
                for r in self._rows(
                    "SELECT language AS v, count(*) AS n FROM articles WHERE language IS NOT NULL GROUP BY 1 ORDER BY n DESC LIMIT 50"
                )
            ],
            "narratives": [
                r["v"]
                for r in self._rows(
                    "SELECT DISTINCT label AS v FROM narratives WHERE level = 'narrative' ORDER BY v LIMIT 500"
                )
            ],
            "techniques": [
                r["v"]
                for r in self._rows(
                    "SELECT DISTINCT technique AS v FROM technique_spans UNION SELECT DISTINCT label FROM technique_paragraphs ORDER BY v LIMIT 200"
                )
            ],
        }

    # --- prevalence ------------------------------------------------------------------------------

    @_cached
    def prevalence(
        self, layer: str, filters: Filters, by: str = "month", top: int = 8
    ) -> dict[str, Any]:
        """Share of the selected articles showing each of the `top` labels, per month, per source or overall (`all`).

        Shares and totals count only the articles analysed for the layer: one whose layer is
        marked unavailable (e.g. no model for its language) is left out, not counted as a 0.

        Returns {"labels": [...], "buckets": [...], "series": {label: [share per bucket]},
        "totals": [articles per bucket]}.
        """
        if by not in ("month", "source", "all"):
            raise ValueError(f"unknown grouping {by!r}")
        return self.prevalence_views(layer, filters, top)[by]

    @_cached
    def prevalence_views(
        self, layer: str, filters: Filters, top: int = 8, top_sources: int = 12
    ) -> dict[str, dict[str, Any]]:
        """`prevalence` by month, by source (the `top_sources` largest) and overall, from one scan.

        GROUPING SETS count the (label, month), (label, source) and (label) groups in one pass over
        the layer's (article, label) pairs; the labels are the `top` most frequent in the selection.
        """
        pairs, pair_params = self._pairs(layer)
        sel, params = filters.selection(analysed_for=COMPARE_STEPS[layer])
        sql = f"""
        WITH {sel},
        pairs AS ({pairs}),
        hits AS (SELECT p.label, s.source, strftime(s.month, '%Y-%m') AS month FROM pairs p JOIN sel s USING (article_id)),
        toplabels AS (SELECT label, row_number() OVER (ORDER BY count(*) DESC, label) AS rank
                      FROM hits GROUP BY label ORDER BY rank LIMIT {int(top)}),
        counts AS (SELECT label, month, source, GROUPING(month, source) AS g, count(*) AS n
                   FROM hits WHERE label IN (SELECT label FROM toplabels)
                   GROUP BY GROUPING SETS ((label, month), (label, source), (label))),
        totals AS (SELECT month, source, GROUPING(month, source) AS g, count(*) AS n
                   FROM (SELECT strftime(month, '%Y-%m') AS month, source FROM sel)
                   GROUP BY GROUPING SETS ((month), (source), ()))
        SELECT c.label, c.month, c.source, c.g, c.n, t.rank FROM counts c JOIN toplabels t USING (label)
        UNION ALL SELECT NULL, month, source, g, n, NULL FROM totals
        """
        return _views(self._rows(sql, params + pair_params), top_sources)

    def _pairs(self, layer: str) -> tuple[str, list[Any]]:
        if layer == "narratives":
            return _NARRATIVE_PAIRS, ["narrative"]
        if layer == "subnarratives":
            return _NARRATIVE_PAIRS, ["subnarrative"]
        if layer == "techniques":
            return _TECHNIQUE_PAIRS, []
        if layer == "frames":
            return "SELECT DISTINCT article_id, label FROM frames WHERE selected", []
        if layer == "genre":
            return "SELECT DISTINCT article_id, label FROM genre", []
        raise ValueError(f"unknown layer {layer!r}")

    # --- comparing languages ---------------------------------------------------------------------

    @_cached
    def language_comparison(
        self,
        layer: str,
        filters: Filters,
        languages: tuple[str, ...] = (),
        top: int = 10,
        max_languages: int = 6,
        modality: str = "",
    ) -> dict[str, Any]:
        """The same labels side by side for several languages: share and count of articles.

        Shares are over each language's articles *analysed* for the layer. An article whose
        layer is marked unavailable (no model for its language, a fast profile) or whose pipeline
        lacked the step is left out of its language's denominator and counted under `unavailable`
        with its reason; a language with no analysed article gets None, never 0, for every label.
        `filters.language` is ignored: `languages` (default: the `max_languages` largest) picks them.
        Labels are the `top` labels by summed share across the compared languages, so a small
        language weighs as much as a large one.
        """
        if layer not in COMPARE_STEPS:
            raise ValueError(f"unknown layer {layer!r}")
        sel, params = self._language_selection(COMPARE_STEPS[layer], filters)
        counts = self._rows(
            f"WITH {sel} SELECT language, reason, count(*) AS n FROM sel GROUP BY ALL",
            params,
        )
        status: dict[str, dict[str, Any]] = {}
        for row in counts:  # one row per (language, reason): a handful
            entry = status.setdefault(
                row["language"], {"articles": 0, "analysed": 0, "unavailable": {}}
            )
            entry["articles"] += row["n"]
            if row["reason"] is None:
                entry["analysed"] += row["n"]
            else:
                entry["unavailable"][row["reason"]] = row["n"]
        if languages:
            chosen = list(dict.fromkeys(languages))
        else:
            by_size = sorted(status, key=lambda code: (-status[code]["articles"], code))
            chosen = by_size[:max_languages]
        columns = []
        for code in chosen:
            entry = status.get(code, {"articles": 0, "analysed": 0, "unavailable": {}})
            columns.append({"language": code, **entry, "comparable": entry["analysed"] > 0})
        comparable = [c["language"] for c in columns if c["comparable"]]
        hits = self._language_hits(layer, sel, params, comparable, top, modality)
        labels = list(dict.fromkeys(row["label"] for row in hits))
        found = {(row["label"], row["language"]): int(row["n"]) for row in hits}
        counts_by_label: dict[str, list[int | None]] = {}
        shares: dict[str, list[float | None]] = {}
        for label in labels:
            counts_by_label[label] = [
                found.get((label, c["language"]), 0) if c["comparable"] else None for c in columns
            ]
            shares[label] = [
                round(n / c["analysed"], 4) if n is not None else None
                for n, c in zip(counts_by_label[label], columns)
            ]
        return {
            "layer": layer,
            "languages": columns,
            "labels": labels,
            "shares": shares,
            "counts": counts_by_label,
        }

    def _language_selection(self, step: str, filters: Filters) -> tuple[str, list[Any]]:
        """A CTE `sel(article_id, language, reason)`: the filtered articles of every language and
        why each was not analysed for `step` (NULL when it was)."""
        where, params = replace(filters, language="").where()
        sql = (
            "sel AS (SELECT a.article_id, coalesce(a.language, '(unknown)') AS language,"
            f" {not_analysed(step)} AS reason FROM articles a" + where + ")"
        )
        return sql, params

    def _language_hits(
        self,
        layer: str,
        sel: str,
        params: list[Any],
        languages: list[str],
        top: int,
        modality: str,
    ) -> list[dict[str, Any]]:
        """Articles per (label, language) for the `top` labels, analysed articles only."""
        if not languages:
            return []
        pair_params: list[Any]
        if layer == "roles":
            pairs, pair_params = _ROLE_PAIRS, []
        elif layer == "actors":
            pairs, pair_params = _ACTOR_PAIRS, []
        elif layer == "relations":
            pairs, pair_params = _relation_pairs(modality)
        else:
            pairs, pair_params = self._pairs(layer)
        sql = f"""
        WITH {sel},
        pairs AS ({pairs}),
        kept AS (SELECT article_id, language FROM sel
                 WHERE reason IS NULL AND list_contains(?::VARCHAR[], language)),
        analysed AS (SELECT language, count(*) AS n FROM kept GROUP BY language),
        hits AS (SELECT p.label, k.language, count(*) AS n FROM pairs p JOIN kept k USING (article_id)
                 GROUP BY p.label, k.language),
        toplabels AS (SELECT h.label, sum(h.n / a.n) AS weight, sum(h.n) AS total
                      FROM hits h JOIN analysed a USING (language) GROUP BY h.label
                      ORDER BY weight DESC, total DESC, h.label LIMIT {int(top)})
        SELECT h.label, h.language, h.n FROM hits h JOIN toplabels t USING (label)
        ORDER BY t.weight DESC, t.total DESC, h.label, h.language
        """
        return self._rows(sql, params + pair_params + [languages])

    # --- roles and network -----------------------------------------------------------------------

    @_cached
    def role_profiles(
        self, filters: Filters, top_actors: int = 10, top_sources: int = 6
    ) -> list[dict[str, Any]]:
        """For the most-mentioned actors: how often each source casts them in each main role."""
        sel, params = filters.selection()
        sql = f"""
        WITH {sel},
        r AS (SELECT coalesce(r.actor, r.entity) AS actor, s.source, r.main_role
              FROM roles r JOIN sel s USING (article_id)),
        ta AS (SELECT actor, count(*) AS n FROM r GROUP BY actor ORDER BY n DESC, actor LIMIT {int(top_actors)}),
        ts AS (SELECT source, count(*) AS n FROM r GROUP BY source ORDER BY n DESC, source LIMIT {int(top_sources)})
        SELECT r.actor, r.source, r.main_role, count(*) AS n, any_value(ta.n) AS actor_total
        FROM r JOIN ta USING (actor) JOIN ts USING (source)
        GROUP BY r.actor, r.source, r.main_role
        ORDER BY actor_total DESC, r.actor, r.source, r.main_role
        """
        return self._rows(sql, params)

    @_cached
    def network(
        self, filters: Filters, top_edges: int = 40, modality: str = ""
    ) -> list[dict[str, Any]]:
        """The most frequent (source actor, relation type, target actor) triples, counted in articles.

        `modality`: "" for every relation, "factual" for asserted and reported ones, or one
        modality name (e.g. "hypothetical"). Each edge says in how many articles it is stated
        (`factual_articles`); an edge only hypothesised, called for or denied has 0 there. Edges
        stated as fact in more articles come first, as `narrascope graph` weighs them.
        """
        sel, params = filters.selection()
        if modality == "factual":
            keep, extra = "WHERE r.modality IN ('asserted', 'reported')", []
        elif modality:
            keep, extra = "WHERE r.modality = ?", [modality]
        else:
            keep, extra = "", []
        params = [*params, *extra]
        sql = f"""
        WITH {sel}
        SELECT r.source, r.type, r.target, count(DISTINCT r.article_id) AS articles, count(*) AS mentions,
               count(DISTINCT r.article_id) FILTER (WHERE r.modality IN ('asserted', 'reported'))
                   AS factual_articles,
               mode(r.modality) AS modality
        FROM relations r JOIN sel s USING (article_id)
        {keep}
        GROUP BY r.source, r.type, r.target
        ORDER BY factual_articles DESC, articles DESC, mentions DESC, r.source, r.type, r.target
        LIMIT {int(top_edges)}
        """
        return self._rows(sql, params)


def _relation_pairs(modality: str) -> tuple[str, list[Any]]:
    """(article, "SOURCE type TARGET") pairs, of one modality or the factual ones when asked."""
    if modality == "factual":
        return _RELATION_PAIRS + " WHERE modality IN ('asserted', 'reported')", []
    if modality:
        return _RELATION_PAIRS + " WHERE modality = ?", [modality]
    return _RELATION_PAIRS, []


_GROUPINGS = {1: "month", 2: "source", 3: "all"}  # GROUPING(month, source) of each grouping set


def _views(rows: list[dict[str, Any]], top_sources: int) -> dict[str, dict[str, Any]]:
    """Shape the grouped counts (a few hundred rows at most) into one series table per grouping."""
    totals: dict[str, dict[str, int]] = {by: {} for by in _GROUPINGS.values()}
    hits: dict[str, dict[tuple[str, str], int]] = {by: {} for by in _GROUPINGS.values()}
    ranks: dict[str, int] = {}
    for row in rows:
        by = _GROUPINGS[row["g"]]
        bucket = {"month": row["month"], "source": row["source"], "all": "all"}[by]
        if bucket is None:  # undated articles have no month
            continue
        if row["label"] is None:
            totals[by][bucket] = int(row["n"])
        else:
            ranks[row["label"]] = int(row["rank"])
            hits[by][(row["label"], bucket)] = int(row["n"])
    labels = sorted(ranks, key=ranks.__getitem__)
    views = {}
    for by, bucket_totals in totals.items():
        if by == "month":
            buckets = sorted(bucket_totals)
        else:
            buckets = sorted(bucket_totals, key=lambda b: (-bucket_totals[b], b))[:top_sources]
        if not any(hits[by].get((label, b)) for label in labels for b in buckets):
            buckets = []  # nothing of this layer in these buckets (e.g. no dated article has it)
        views[by] = {
            "labels": labels if buckets else [],
            "buckets": buckets,
            "totals": [bucket_totals[b] for b in buckets],
            "series": {
                label: [
                    round(hits[by].get((label, b), 0) / bucket_totals[b], 4)
                    if bucket_totals[b]
                    else 0.0
                    for b in buckets
                ]
                for label in (labels if buckets else [])
            },
        }
    return views


def parse_json(text: str | None) -> Any:
    return json.loads(text) if text else None
