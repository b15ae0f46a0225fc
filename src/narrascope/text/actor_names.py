"""Actor mentions in Russian, Bulgarian, Portuguese and Hindi, from a hand-written name list.

No spaCy pipeline for these languages installs from PyPI, so actors come from
`data/actor-names.json`: per language, the names, demonyms, capitals used as metonyms, leaders
and institutions of each actor, under the same actor ids as the English gazetteer. Russian and
Bulgarian decline nouns and adjectives, so a name ending in `*` is a stem that takes up to four
more letters of the same word (Росси* → Россия, России, Россией; российск* → российского).
Hindi postpositions are separate words (रूस ने, रूस के), so whole words suffice there, with a
stem where an adjective or plural follows (भारत* → भारतीय).

Word edges are found by hand (a letter, digit or Devanagari sign on either side means "inside a
word"), because Python's `\\b` treats Devanagari vowel signs as non-word characters.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

WORD = r"\w\u0900-\u097F"
ENDING = 4  # letters a stem may take


@dataclass(frozen=True)
class NameMatch:
    start: int
    end: int
    text: str
    actor: str


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, list[str]]]:
    path = resources.files("narrascope.data") / "actor-names.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {lang: names for lang, names in data.items() if not lang.startswith("_")}


def languages() -> tuple[str, ...]:
    """The language codes with a name list."""
    return tuple(sorted(_table()))


def _name_pattern(name: str) -> str:
    stem = name.endswith("*")
    parts = [
        re.escape(p.rstrip("*")) + (f"[{WORD}]{{0,{ENDING}}}" if p.endswith("*") else "")
        for p in name.split(" ")
    ]
    if stem and not parts[-1].endswith("}"):
        parts[-1] += f"[{WORD}]{{0,{ENDING}}}"
    return r"\s+".join(parts)


@lru_cache(maxsize=8)
def _pattern(lang: str) -> tuple[re.Pattern[str], list[str]]:
    """One alternation per language, longest names first; group i belongs to actor i."""
    entries = sorted(
        ((name, actor) for actor, names in _table()[lang].items() for name in names),
        key=lambda pair: -len(pair[0]),
    )
    actors = [actor for _, actor in entries]
    body = "|".join(f"({_name_pattern(name)})" for name, _ in entries)
    return re.compile(f"(?<![{WORD}])(?:{body})(?![{WORD}])", re.IGNORECASE), actors


def find_actor_names(text: str, lang: str) -> list[NameMatch]:
    """Non-overlapping actor mentions in `text` (leftmost, then longest name), in text order."""
    if lang not in _table():
        return []
    pattern, actors = _pattern(lang)
    out = []
    for match in pattern.finditer(text):
        actor = actors[match.lastindex - 1] if match.lastindex else None
        if actor is not None:
            out.append(NameMatch(match.start(), match.end(), match.group(0), actor))
    return out
