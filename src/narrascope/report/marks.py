"""Every span-bearing layer of a document flattened into `Mark`s, the unit the report draws.

One place knows how each layer maps to a coloured underline: its kind (which toggle hides it),
its label (legend entry and tooltip), a colour key and a short note (score, details). Renderers
never look at the layer models directly for highlighting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from narrascope.document import Document

# drawing order of kinds when two marks start and end at the same offsets; also the legend order
KINDS: tuple[str, ...] = ("technique", "role", "entity", "actor", "relation", "claim", "narrative")

KIND_TITLES: dict[str, str] = {
    "technique": "Persuasion techniques",
    "role": "Entity roles",
    "entity": "Entities",
    "actor": "Actors",
    "relation": "Relations",
    "claim": "Claims",
    "narrative": "Narrative evidence",
}

# kinds whose marks with identical offsets are merged into one bar (many relations or a narrative
# and its subnarrative often share one evidence sentence)
_MERGED_KINDS = frozenset({"relation", "narrative"})


@dataclass(frozen=True)
class Mark:
    """A highlighted range of `Document.text` (end exclusive)."""

    kind: str
    label: str
    start: int
    end: int
    key: str = ""  # colour key within the kind; the label when empty
    note: str = ""  # score and details for the tooltip

    @property
    def colour_key(self) -> str:
        return self.key or self.label

    @property
    def title(self) -> str:
        return f"{self.label} · {self.note}" if self.note else self.label


def _score(value: float) -> str:
    return f"{value:.2f}"


def _technique_marks(doc: Document) -> Iterable[Mark]:
    if doc.techniques is None:
        return
    for span in doc.techniques.spans:
        yield Mark("technique", span.technique, span.start, span.end, note=_score(span.score))


def _role_marks(doc: Document) -> Iterable[Mark]:
    for profile in doc.roles:
        who = profile.actor or profile.entity
        for mention in profile.mentions:
            fine = ", ".join(f"{r.label} {_score(r.score)}" for r in mention.fine_roles[:3])
            note = f"{who}, {_score(mention.main_score)}" + (f"; {fine}" if fine else "")
            yield Mark("role", mention.main_role, mention.start, mention.end, note=note)


def _entity_marks(doc: Document, covered: set[tuple[int, int]]) -> Iterable[Mark]:
    for mention in doc.entities:
        if (mention.start, mention.end) in covered:
            continue  # a role or actor mark at the same offsets already draws this mention
        yield Mark("entity", mention.label, mention.start, mention.end, note=mention.entity)


def _actor_marks(doc: Document) -> Iterable[Mark]:
    entity_types = {(m.start, m.end): m.label for m in doc.entities}
    for mention in doc.actors:
        note = mention.kind.replace("_", " ")
        if (mention.start, mention.end) in entity_types:
            note += f", {entity_types[(mention.start, mention.end)]}"
        yield Mark("actor", mention.actor, mention.start, mention.end, note=note)


def _relation_marks(doc: Document) -> Iterable[Mark]:
    for rel in doc.relations:
        label = f"{rel.source} {rel.type} {rel.target}"
        details: list[str] = [rel.modality]
        if rel.object:
            details.insert(0, rel.object)
        if rel.attribution:
            details.append(f"according to {rel.attribution}")
        details.append(_score(rel.confidence))
        yield Mark("relation", label, rel.start, rel.end, key=rel.type, note=", ".join(details))


def _claim_marks(doc: Document) -> Iterable[Mark]:
    for claim in doc.claims:
        details: list[str] = [claim.modality]
        if claim.attribution:
            details.append(f"according to {claim.attribution}")
        details.append(_score(claim.score))
        yield Mark("claim", claim.kind, claim.start, claim.end, note=", ".join(details))


def _narrative_marks(doc: Document) -> Iterable[Mark]:
    if doc.narratives is None:
        return
    for item in [*doc.narratives.narratives, *doc.narratives.subnarratives]:
        key = item.parent if item.level == "subnarrative" and item.parent else item.label
        for span in item.evidence:
            yield Mark(
                "narrative", item.label, span.start, span.end, key=key, note=_score(item.score)
            )


def _join(group: list[Mark]) -> Mark:
    first = group[0]
    if len(group) == 1:
        return first
    label = "; ".join(m.label for m in group)
    note = "; ".join(m.note for m in group if m.note)
    return Mark(first.kind, label, first.start, first.end, key=first.colour_key, note=note)


def _merge_same_extent(marks: list[Mark]) -> list[Mark]:
    """One bar per (kind, start, end) for kinds in `_MERGED_KINDS`, labels joined, order kept."""
    out: list[Mark | list[Mark]] = []
    groups: dict[tuple[str, int, int], list[Mark]] = {}
    for mark in marks:
        if mark.kind not in _MERGED_KINDS:
            out.append(mark)
            continue
        extent = (mark.kind, mark.start, mark.end)
        if extent not in groups:
            groups[extent] = []
            out.append(groups[extent])
        if all(m.label != mark.label for m in groups[extent]):
            groups[extent].append(mark)
    return [item if isinstance(item, Mark) else _join(item) for item in out]


def collect_marks(doc: Document, merge: bool = True) -> list[Mark]:
    """All marks of a document, valid offsets only, in a deterministic order.

    With `merge`, marks of one kind with the same offsets become one bar where that kind allows
    it (drawing); without, every layer item stays one mark (counting).
    """
    covered = {(m.start, m.end) for p in doc.roles for m in p.mentions} | {
        (a.start, a.end) for a in doc.actors
    }
    marks = [
        *_technique_marks(doc),
        *_role_marks(doc),
        *_entity_marks(doc, covered),
        *_actor_marks(doc),
        *_relation_marks(doc),
        *_claim_marks(doc),
        *_narrative_marks(doc),
    ]
    n = len(doc.text)
    marks = [m for m in marks if 0 <= m.start < m.end <= n]
    return _merge_same_extent(marks) if merge else marks
