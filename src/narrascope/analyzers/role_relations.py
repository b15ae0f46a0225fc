"""Role cues from the article's relations: how an entity is linked to the other actors.

An actor that condemns, sanctions or is attacked by the article's aggressor is rarely cast as
its ally; one that supplies it weapons or cooperates with it often is. The `relations` layer
already says who does what to whom, so these cues describe the entity (by actor id) through
the relations it takes part in:
- `rel`: the relation types it is the source (`rel>attacks`) or the target (`rel<attacks`) of;
  symmetric types (negotiates, military cooperation) without a direction (`rel=negotiates`);
- `relc`: the same crossed with the other side's bloc (`rel>accuses_condemns:russia`) and with
  whether the other side is in the article's aggressor camp (`rel<attacks:aggr`), plus `aggr`
  or `camp` when the entity is the aggressor or in its camp.
The aggressor is the actor that is the source of the most hostile relations (attacks, threats,
violations) in the article; its camp adds every actor that supplies it weapons or cooperates
with it militarily. Denied relations are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from narrascope.analyzers.role_cues import bloc_of
from narrascope.document import Relation

HOSTILE = frozenset({"attacks", "threatens", "violates"})
ALLIED = frozenset({"supplies_weapons", "military_cooperation"})
SYMMETRIC = frozenset({"negotiates", "military_cooperation"})
RELATION_PARTS = ("rel", "relc")


def kept(relations: Sequence[Relation]) -> list[Relation]:
    """The relations the cues read: not denied, between two different actors."""
    return [r for r in relations if r.modality != "denied" and r.source != r.target]


def aggressors(relations: Sequence[Relation]) -> set[str]:
    """The actors that are the source of the most hostile relations (none when there are none)."""
    counts = Counter(r.source for r in kept(relations) if r.type in HOSTILE)
    if not counts:
        return set()
    top = max(counts.values())
    return {actor for actor, n in counts.items() if n == top}


def aggressor_camp(relations: Sequence[Relation]) -> set[str]:
    """The aggressors and the actors that arm or militarily cooperate with one of them."""
    top = aggressors(relations)
    camp = set(top)
    for r in kept(relations):
        if r.type in ALLIED:
            if r.target in top:
                camp.add(r.source)
            if r.type in SYMMETRIC and r.source in top:
                camp.add(r.target)
    return camp


def relation_cues(relations: Sequence[Relation], actor: str | None) -> dict[str, list[str]]:
    """The `rel` and `relc` cue lists of an entity with actor id `actor` (empty without one)."""
    out: dict[str, list[str]] = {part: [] for part in RELATION_PARTS}
    if actor is None:
        return out
    rows = kept(relations)
    top, camp = aggressors(rows), aggressor_camp(rows)
    rel, relc = set(), set()
    for r in rows:
        if actor not in (r.source, r.target):
            continue
        if r.type in SYMMETRIC:
            arrow = "="
        else:
            arrow = ">" if r.source == actor else "<"
        other = r.target if r.source == actor else r.source
        rel.add(f"rel{arrow}{r.type}")
        relc.add(f"rel{arrow}{r.type}:{bloc_of(other)}")
        if other in camp:
            relc.add(f"rel{arrow}{r.type}:aggr")
    if actor in top:
        relc.add("aggr")
    elif actor in camp:
        relc.add("camp")
    out["rel"], out["relc"] = sorted(rel), sorted(relc)
    return out
