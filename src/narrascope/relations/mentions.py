"""Actor, weapon and instrument mentions in a parsed text, mapped onto spaCy tokens.

Matching is done with regular expressions on the raw text (fast, exact offsets) and each match
is then tied to the token that carries it, so the relation rules can walk the dependency parse.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from narrascope.relations import lexicon

PRONOUNS = frozenset({"it", "its", "they", "their", "them", "itself", "themselves"})


@dataclass
class Mention:
    start: int
    end: int
    text: str
    actor: str
    kind: str  # state | organisation | armed_group | place
    field: str  # names | demonyms | metonyms | people | institutions | places | pronoun
    token: int  # index of the head token of the match in the spaCy doc

    @property
    def is_place(self) -> bool:
        return self.kind == "place"


@dataclass
class Thing:
    """A weapon or an instrument (treaty, resolution) mention."""

    start: int
    end: int
    text: str
    token: int
    key: str = ""


@dataclass
class Mentions:
    """Everything the relation rules look up, indexed by token."""

    actors: list[Mention] = field(default_factory=list)
    weapons: list[Thing] = field(default_factory=list)
    instruments: list[Thing] = field(default_factory=list)
    by_token: dict[int, Mention] = field(default_factory=dict)
    weapon_by_token: dict[int, Thing] = field(default_factory=dict)
    instrument_by_token: dict[int, Thing] = field(default_factory=dict)


class TokenIndex:
    """Character offset -> token index for one spaCy doc."""

    def __init__(self, sdoc: Any) -> None:
        self.sdoc = sdoc
        self.starts = [t.idx for t in sdoc]

    def token_at(self, char: int) -> int:
        return max(0, bisect_right(self.starts, char) - 1)

    def head_of(self, start: int, end: int) -> int:
        """The syntactic head of the tokens covering [start, end)."""
        first, last = self.token_at(start), self.token_at(max(start, end - 1))
        span = range(first, last + 1)
        for i in span:
            head = self.sdoc[i].head.i
            if head not in span or head == i:
                return i
        return last


def english(doc: Any) -> bool:
    """The lexicons and rules are English: other languages get no actors, relations or claims."""
    language = getattr(doc, "language", None)
    # an unsure guess (short texts) keeps the English rules
    return language is None or language.code == "en" or language.score < 0.8


def find_actors(text: str, index: TokenIndex) -> list[Mention]:
    table = lexicon.gazetteer()
    out: list[Mention] = []
    for match in lexicon.actor_pattern().finditer(text):
        entry = table.get(match.group(0))
        if entry is None or entry.actor is None:
            continue
        start, end = match.span()
        out.append(
            Mention(
                start,
                end,
                match.group(0),
                entry.actor,
                entry.kind,
                entry.field,
                index.head_of(start, end),
            )
        )
    return out


def find_things(text: str, index: TokenIndex, pattern: Any, keyed: bool = False) -> list[Thing]:
    out: list[Thing] = []
    for match in pattern.finditer(text):
        start, end = match.span()
        key = (match.lastgroup or "") if keyed else ""
        out.append(Thing(start, end, match.group(0), index.head_of(start, end), key))
    return out


def merge_adjacent(text: str, things: list[Thing], index: TokenIndex) -> list[Thing]:
    """'Shahed' + 'drones' -> 'Shahed drones': neighbours separated by one space are one item."""
    out: list[Thing] = []
    for thing in things:
        if out and text[out[-1].end : thing.start] == " ":
            prev = out[-1]
            out[-1] = Thing(
                prev.start,
                thing.end,
                text[prev.start : thing.end],
                index.head_of(prev.start, thing.end),
            )
        else:
            out.append(thing)
    return out


def find_mentions(text: str, sdoc: Any) -> Mentions:
    index = TokenIndex(sdoc)
    found = Mentions(
        actors=find_actors(text, index),
        weapons=merge_adjacent(text, find_things(text, index, lexicon.weapon_pattern()), index),
        instruments=find_things(text, index, lexicon.instrument_pattern(), keyed=True),
    )
    # anaphoric "these resolutions" means the last named instrument, if any was named before
    last_key = ""
    for thing in found.instruments:
        if thing.key == "ANAPHORIC":
            thing.key = last_key
        else:
            last_key = thing.key
    found.instruments = [t for t in found.instruments if t.key]
    for m in found.actors:
        found.by_token.setdefault(m.token, m)
        # every token of a multi-token name points at the mention, so compound parts resolve
        for i in range(index.token_at(m.start), index.token_at(max(m.start, m.end - 1)) + 1):
            found.by_token.setdefault(i, m)
    for w in found.weapons:
        found.weapon_by_token.setdefault(w.token, w)
    for t in found.instruments:
        for i in range(index.token_at(t.start), index.token_at(max(t.start, t.end - 1)) + 1):
            found.instrument_by_token.setdefault(i, t)
    return found
