"""Read the actor graph from the DuckDB corpus store, aggregating in SQL.

The store (narrascope.store) keeps one `relations` row per relation (the `Relation` fields plus
`article_id`, `content_hash`) and an `articles` row per article (with `published`, `source`).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import duckdb

from narrascope.graph.build import MODALITY_WEIGHT, Edge, Evidence, Graph, _nodes
from narrascope.store import Store, StoreError

QUERY = """
WITH r AS (
    SELECT r.article_id, r.source, r.target, r.type, r.modality, r.object,
           r."start" AS s, r."end" AS e, r.sentence, CAST(a.published AS DATE) AS day
    FROM relations r LEFT JOIN articles a ON a.article_id = r.article_id AND a.content_hash = r.content_hash
    WHERE {where}
)
SELECT source, target, type, count(*) AS n, count(DISTINCT article_id) AS n_articles,
       min(day) AS first, max(day) AS last, histogram(modality) AS modalities,
       list(object) FILTER (WHERE object <> '') AS objects,
       list(strftime(day, '%Y-%m')) FILTER (WHERE day IS NOT NULL) AS months,
       list({{'article_id': article_id, 'start': s, 'end': e, 'sentence': sentence, 'modality': modality,
              'day': CAST(day AS VARCHAR)}}
            ORDER BY (modality IN ('asserted', 'reported')) DESC, day DESC NULLS LAST, article_id, s
       )[1:{max_evidence}] AS evidence
FROM r GROUP BY source, target, type
"""


def load_graph(
    db: str | Path,
    since: date | None = None,
    until: date | None = None,
    types: list[str] | None = None,
    actor: str | None = None,
    max_evidence: int = 5,
    modalities: list[str] | None = None,
) -> Graph:
    """The filtered actor graph of a corpus store; every edge keeps up to `max_evidence` sentences."""
    where: list[str] = ["TRUE"]
    params: list[object] = []
    if since:
        where.append("CAST(a.published AS DATE) >= ?")
        params.append(since)
    if until:
        where.append("CAST(a.published AS DATE) <= ?")
        params.append(until)
    if types:
        where.append(f"r.type IN ({', '.join('?' for _ in types)})")
        params.extend(types)
    if actor:
        where.append("(r.source = ? OR r.target = ?)")
        params.extend([actor, actor])
    if modalities:
        where.append(f"r.modality IN ({', '.join('?' for _ in modalities)})")
        params.extend(modalities)
    sql = QUERY.format(where=" AND ".join(where), max_evidence=int(max_evidence))
    with Store(db, read_only=True) as store:  # a locked or foreign file is a StoreError
        try:
            rows = store.con.execute(sql, params).fetchall()
        except duckdb.Error as exc:
            raise StoreError(
                f"{db}: not a narrascope corpus store ({str(exc).splitlines()[0]})"
            ) from None
    edges = []
    for (
        source,
        target,
        type_,
        n,
        n_articles,
        first,
        last,
        histogram,
        objects,
        months,
        evidence,
    ) in rows:
        seen: dict[str, int] = dict(histogram or {})
        edge = Edge(
            source,
            target,
            type_,
            count=n,
            articles=n_articles,
            weight=round(sum(MODALITY_WEIGHT.get(m, 1.0) * k for m, k in seen.items()), 3),
            first=first.isoformat() if first else None,
            last=last.isoformat() if last else None,
            modalities=seen,
        )
        for obj in objects or []:
            for item in obj.split("; "):
                edge.objects[item] = edge.objects.get(item, 0) + 1
        edge.timeline = dict(sorted(Counter(months or []).items()))
        edge.evidence = [
            Evidence(
                ev["article_id"], ev["start"], ev["end"], ev["sentence"], ev["modality"], ev["day"]
            )
            for ev in evidence or []
        ]
        edges.append(edge)
    edges.sort(key=lambda e: (-e.weight, e.key))
    return Graph(_nodes(edges), edges)
