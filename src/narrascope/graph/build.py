"""Aggregate relation records into a weighted, evidence-carrying actor graph."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from narrascope.document import Document, Relation

# how much one record adds to an edge's weight: only what the text states as having happened
# (asserted, or reported without doubt) counts; alleged, planned, hypothetical, called-for and
# denied relations are kept on the edge, shown by their modality, and weigh nothing
MODALITY_WEIGHT = {
    "asserted": 1.0,
    "reported": 0.8,
    "alleged": 0.0,
    "planned": 0.0,
    "hypothetical": 0.0,
    "called_for": 0.0,
    "denied": 0.0,
}
FACTUAL = frozenset({"asserted", "reported"})
MODALITIES = tuple(MODALITY_WEIGHT)


def evidence_rank(modality: str) -> int:
    """Asserted and reported sentences come first as an edge's evidence."""
    return 0 if modality in FACTUAL else 1


@dataclass(frozen=True)
class RelationRecord:
    """One relation as stored: the article it comes from and its fields."""

    article_id: str
    source: str
    type: str
    target: str
    start: int
    end: int
    sentence: str
    modality: str = "asserted"
    object: str = ""
    attribution: str = ""
    confidence: float = 1.0
    published: date | None = None
    outlet: str | None = None


@dataclass
class Evidence:
    article_id: str
    start: int
    end: int
    sentence: str
    modality: str
    published: str | None = None


@dataclass
class Edge:
    source: str
    target: str
    type: str
    count: int = 0
    weight: float = 0.0
    articles: int = 0
    first: str | None = None
    last: str | None = None
    modalities: dict[str, int] = field(default_factory=dict)
    objects: dict[str, int] = field(default_factory=dict)
    timeline: dict[str, int] = field(default_factory=dict)  # "YYYY-MM" -> records
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.target, self.type)

    @property
    def status(self) -> str:
        """'factual' when any record is asserted or reported, else the most frequent modality."""
        if any(self.modalities.get(m) for m in FACTUAL):
            return "factual"
        if not self.modalities:
            return "factual"
        return max(self.modalities, key=lambda m: (self.modalities[m], m))


@dataclass
class Graph:
    nodes: dict[str, dict[str, Any]]
    edges: list[Edge]

    def filtered(
        self,
        types: Iterable[str] | None = None,
        actor: str | None = None,
        statuses: Iterable[str] | None = None,
    ) -> Graph:
        keep = set(types or [])
        status = set(statuses or [])
        edges = [
            e
            for e in self.edges
            if (not keep or e.type in keep)
            and (actor is None or actor in (e.source, e.target))
            and (not status or e.status in status)
        ]
        used = {a for e in edges for a in (e.source, e.target)}
        return Graph({k: v for k, v in self.nodes.items() if k in used}, edges)


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def records_from_documents(docs: Iterable[Document]) -> Iterable[RelationRecord]:
    for doc in docs:
        for r in doc.relations:
            yield record_from_relation(doc.id, r, _day(doc.published), doc.source)


def record_from_relation(
    article_id: str, r: Relation, published: date | None = None, outlet: str | None = None
) -> RelationRecord:
    return RelationRecord(
        article_id,
        r.source,
        r.type,
        r.target,
        r.start,
        r.end,
        r.sentence,
        r.modality,
        r.object,
        r.attribution,
        r.confidence,
        published,
        outlet,
    )


def actor_label(actor: str) -> tuple[str, str]:
    """A readable name and kind for an actor id (instruments such as UNSC_RESOLUTIONS included)."""
    from narrascope.relations.lexicon import _data_actors

    entry = _data_actors().get(actor)
    if entry is None:
        return actor.replace("_", " "), "instrument"
    names = entry.get("names") or [actor]
    return names[0], entry["kind"]


def build_graph(
    records: Iterable[RelationRecord],
    since: date | None = None,
    until: date | None = None,
    types: Iterable[str] | None = None,
    actor: str | None = None,
    max_evidence: int = 5,
    modalities: Iterable[str] | None = None,
) -> Graph:
    """Edges per (source, target, type) with counts, modality-weighted weight, dates and evidence.

    `modalities` keeps only records of those modalities; evidence lists asserted and reported
    sentences first, so an edge's first evidence is a stated one whenever there is one.
    """
    keep = set(types or [])
    keep_modalities = set(modalities or [])
    edges: dict[tuple[str, str, str], Edge] = {}
    articles: dict[tuple[str, str, str], set[str]] = {}
    for r in records:
        day = _day(r.published)
        if (since and (day is None or day < since)) or (until and (day is None or day > until)):
            continue
        if keep and r.type not in keep:
            continue
        if keep_modalities and r.modality not in keep_modalities:
            continue
        if actor and actor not in (r.source, r.target):
            continue
        key = (r.source, r.target, r.type)
        edge = edges.setdefault(key, Edge(*key))
        edge.count += 1
        edge.weight = round(edge.weight + MODALITY_WEIGHT.get(r.modality, 1.0), 3)
        edge.modalities[r.modality] = edge.modalities.get(r.modality, 0) + 1
        if r.object:
            for item in r.object.split("; "):
                edge.objects[item] = edge.objects.get(item, 0) + 1
        articles.setdefault(key, set()).add(r.article_id)
        iso = day.isoformat() if day else None
        if iso:
            edge.first = min(edge.first or iso, iso)
            edge.last = max(edge.last or iso, iso)
            month = iso[:7]
            edge.timeline[month] = edge.timeline.get(month, 0) + 1
        edge.evidence.append(Evidence(r.article_id, r.start, r.end, r.sentence, r.modality, iso))
    for key, edge in edges.items():
        edge.evidence = sorted(edge.evidence, key=lambda ev: evidence_rank(ev.modality))[
            :max_evidence
        ]
        edge.articles = len(articles[key])
        edge.timeline = dict(sorted(edge.timeline.items()))
    return Graph(_nodes(edges.values()), sorted(edges.values(), key=lambda e: (-e.weight, e.key)))


def _nodes(edges: Iterable[Edge]) -> dict[str, dict[str, Any]]:
    out_w: Counter[str] = Counter()
    in_w: Counter[str] = Counter()
    for e in edges:
        out_w[e.source] += e.count
        in_w[e.target] += e.count
    nodes = {}
    for actor in sorted(set(out_w) | set(in_w)):
        label, kind = actor_label(actor)
        nodes[actor] = {
            "id": actor,
            "label": label,
            "kind": kind,
            "out": out_w[actor],
            "in": in_w[actor],
        }
    return nodes
