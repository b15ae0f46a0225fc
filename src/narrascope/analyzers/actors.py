"""Actor mentions: states (ISO-3166 alpha-3), international organisations and armed groups.

Names, demonyms, capitals, institutions and officials come from the project's gazetteer
(`data/gazetteer.json`). Each mention is linked to the overlapping entity mention, whose `actor`
is set. Cities and regions are kept for the relation rules (a city stands for its state as the
target of an attack) but are not actor mentions by themselves.

Russian, Bulgarian, Portuguese and Hindi articles get their actors from the name lists of
`text.actor_names` (same actor ids; no entity linking, since the spaCy entities are English).

`actor_names` is the spaCy-free detector of the `fast` profile: the same gazetteer and name
lists matched on the raw text, without the parse (so no entity links, and no token index for
relation rules). The actor mentions it finds are the ones `actors` finds.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer, language_of
from narrascope.document import ActorMention, Document
from narrascope.relations import lexicon
from narrascope.relations.mentions import find_mentions
from narrascope.text.actor_names import find_actor_names, languages


def link_entities(doc: Document, actors: list[ActorMention]) -> None:
    """Point each actor mention at the entity mention it overlaps, and label that entity.

    The first entity (by start) overlapping the mention is found by binary search over the
    running maximum of entity ends, so a long article costs no more than its mentions."""
    entities = sorted(enumerate(doc.entities), key=lambda pair: pair[1].start)
    starts = [entity.start for _, entity in entities]
    reach = list(accumulate((entity.end for _, entity in entities), max))
    for mention in actors:
        j = bisect_right(reach, mention.start)  # the first entity ending after the mention starts
        if j < len(entities) and starts[j] < mention.end:
            index, entity = entities[j]
            mention.entity_index = index
            if entity.actor is None:
                entity.actor = mention.actor


class Actors(Analyzer):
    name = "actors"
    requires = (contracts.ENTITIES, contracts.SPACY_PARSE)
    optional = (contracts.LANGUAGE,)
    produces = (contracts.ACTORS, contracts.MENTIONS)
    languages = ("en", *languages())

    def unavailable_reason(self, doc: Document, upstream: Iterable[str] = ()) -> str | None:
        code = language_of(doc)
        if code in languages():  # the name lists need no entities
            return None
        return super().unavailable_reason(doc, upstream)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            code = language_of(doc)
            if code in languages():
                doc.actors = names_in(doc.text, code)
                continue
            found = find_mentions(doc.text, contracts.SPACY_PARSE.get(doc))
            contracts.MENTIONS.put(doc, found)
            actors = [
                ActorMention(start=m.start, end=m.end, text=m.text, actor=m.actor, kind=m.kind)
                for m in found.actors
                if not m.is_place
            ]
            link_entities(doc, actors)
            doc.actors = actors


def names_in(text: str, lang: str) -> list[ActorMention]:
    """Actor mentions of a non-English article from the language's name list."""
    return [
        ActorMention(
            start=m.start, end=m.end, text=m.text, actor=m.actor, kind=lexicon.actor_kind(m.actor)
        )
        for m in find_actor_names(text, lang)
    ]


def gazetteer_actors(text: str) -> list[ActorMention]:
    """Actor mentions of an English text from the gazetteer, places left out (no parse needed)."""
    table = lexicon.gazetteer()
    out = []
    for match in lexicon.actor_pattern().finditer(text):
        entry = table.get(match.group(0))
        if entry is None or entry.actor is None or entry.kind == "place":
            continue
        out.append(
            ActorMention(
                start=match.start(),
                end=match.end(),
                text=match.group(0),
                actor=entry.actor,
                kind=entry.kind,
            )
        )
    return out


class ActorNames(Analyzer):
    """Actor mentions without spaCy: the gazetteer (English) or the language's name list."""

    name = "actor_names"
    optional = (contracts.LANGUAGE,)
    produces = (contracts.ACTORS,)
    languages = ("en", *languages())
    stands_for = "actors"

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            code = language_of(doc)
            doc.actors = (
                names_in(doc.text, code) if code in languages() else gazetteer_actors(doc.text)
            )
