"""Actor mentions: states (ISO-3166 alpha-3), international organisations and armed groups.

Names, demonyms, capitals, institutions and officials come from the project's gazetteer
(`data/gazetteer.json`). Each mention is linked to the overlapping entity mention, whose `actor`
is set. Cities and regions are kept for the relation rules (a city stands for its state as the
target of an attack) but are not actor mentions by themselves.
"""

from __future__ import annotations

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.document import ActorMention, Document
from narrascope.relations.mentions import english, find_mentions


def link_entities(doc: Document, actors: list[ActorMention]) -> None:
    """Point each actor mention at the entity mention it overlaps, and label that entity."""
    entities = sorted(enumerate(doc.entities), key=lambda pair: pair[1].start)
    for mention in actors:
        for index, entity in entities:
            if entity.start >= mention.end:
                break
            if entity.end > mention.start:
                mention.entity_index = index
                if entity.actor is None:
                    entity.actor = mention.actor
                break


class Actors(Analyzer):
    name = "actors"
    requires = (contracts.ENTITIES, contracts.SPACY_PARSE)
    optional = (contracts.LANGUAGE,)
    produces = (contracts.ACTORS, contracts.MENTIONS)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            if not english(doc):
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
