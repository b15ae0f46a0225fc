"""Which named entities can be cast in a role at all.

Roles are for actors: states, organisations, people, groups. The NER layer also tags things that
cannot act: weapon systems ("Patriot", a drone model), treaties and resolutions, headline phrases it
took for an organisation ("... Raises Urgent Concerns"), title-case phrases named only in the
headline ("The Drone Pipeline to Moscow ..."), and lower-case common nouns. These get no
role profile in normal use; given mentions (`classify_mentions`, as in the shared task) are always
classified.
"""

from __future__ import annotations

import re
from typing import Any

from narrascope.document import Document
from narrascope.relations.lexicon import instrument_pattern, weapon_pattern

FINITE_VERB_TAGS = frozenset({"VBZ", "VBD", "VBP", "MD"})
_LETTERS = re.compile(r"[^\W\d_]")


def _covered(name: str, pattern: re.Pattern[str]) -> bool:
    """True when matches of `pattern` cover every letter of `name`."""
    rest = pattern.sub(" ", name)
    return not _LETTERS.search(rest)


def is_thing(name: str) -> bool:
    """A weapon system, munition or legal instrument rather than an actor."""
    name = name.strip()
    return bool(name) and (_covered(name, weapon_pattern()) or _covered(name, instrument_pattern()))


def is_phrase(name: str, parsed: Any = None, start: int = -1, end: int = -1) -> bool:
    """Not a name: no capital letter anywhere, or (with the parse) a finite verb inside the span."""
    if not any(c.isupper() for c in name):
        return True
    if parsed is None or start < 0:
        return False
    span = parsed.char_span(start, end, alignment_mode="expand")
    return span is not None and any(t.tag_ in FINITE_VERB_TAGS for t in span)


def is_actor(name: str, parsed: Any = None, start: int = -1, end: int = -1) -> bool:
    """Whether an entity mention may receive a role profile."""
    return not is_thing(name) and not is_phrase(name, parsed, start, end)


def title_span(doc: Document) -> tuple[int, int] | None:
    """The character span of the headline when the text starts with it (paragraph 0)."""
    if not doc.title or not doc.paragraphs:
        return None
    first = doc.paragraphs[0]
    return (first.start, first.end) if doc.text[first.start : first.end] == doc.title else None


def headline_only(doc: Document, spans: list[tuple[int, int]], actor: str | None) -> bool:
    """An entity that is not a known actor and is named only in the headline: in title case
    every noun phrase looks like a name ("Drone Pipeline"), and with no mention in the body there
    is no evidence to cast it in a role."""
    title = title_span(doc)
    if actor is not None or title is None or not spans:
        return False
    return all(title[0] <= start and end <= title[1] for start, end in spans)
