"""Stylistic text features shared by the technique, genre and frame heads.

The backbone vectors say what a text is about; these counts say how it is written: who speaks
(first/second person), how sure it is (modals, hedges), whose word it rests on (quotes,
attribution verbs), how charged it is (evaluative words, intensifiers, exclamations, capitals)
and whether it looks like a wire report (dateline). All features are rates or flags in [0, ~1]
so that they sit on the same scale as the unit-length sentence vectors.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import filterfalse

import numpy as np

TOKEN = re.compile(r"\w+(?:['’]\w+)?|[^\w\s]")
WORD = re.compile(r"\w+(?:['’]\w+)?")

FIRST_SINGULAR = frozenset(["i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll"])
FIRST_PLURAL = frozenset(["we", "us", "our", "ours", "ourselves", "we're", "we've", "we'll"])
SECOND_PERSON = frozenset(
    ["you", "your", "yours", "yourself", "yourselves", "you're", "you've", "you'll"]
)
MODALS = frozenset(
    ["must", "should", "ought", "need", "needs", "shall", "cannot", "can't", "mustn't", "shouldn't"]
)
HEDGES = frozenset(
    [
        "may",
        "might",
        "could",
        "perhaps",
        "possibly",
        "probably",
        "reportedly",
        "allegedly",
        "apparently",
        "seemingly",
        "seems",
        "appear",
        "appears",
        "likely",
        "unlikely",
        "suggest",
        "suggests",
        "unclear",
        "unconfirmed",
    ]
)
ATTRIBUTION = frozenset(
    [
        "said",
        "says",
        "told",
        "according",
        "stated",
        "announced",
        "added",
        "reported",
        "confirmed",
        "noted",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "statement",
        "officials",
        "ministry",
        "quoted",
        "briefing",
    ]
)
INTENSIFIERS = frozenset(
    [
        "very",
        "extremely",
        "absolutely",
        "utterly",
        "totally",
        "completely",
        "truly",
        "incredibly",
        "deeply",
        "entirely",
        "ever",
        "never",
        "always",
        "everyone",
        "nobody",
        "nothing",
        "everything",
        "all",
    ]
)
# Evaluative and emotionally charged words, written for this project (not learned from data).
EVALUATIVE = frozenset(
    [
        "disastrous",
        "shameful",
        "reckless",
        "outrageous",
        "absurd",
        "ridiculous",
        "pathetic",
        "cowardly",
        "brutal",
        "barbaric",
        "evil",
        "corrupt",
        "disgraceful",
        "scandalous",
        "criminal",
        "monstrous",
        "vile",
        "despicable",
        "sinister",
        "appalling",
        "catastrophic",
        "terrible",
        "horrific",
        "horrible",
        "brilliant",
        "heroic",
        "noble",
        "glorious",
        "courageous",
        "wise",
        "foolish",
        "naive",
        "stupid",
        "idiotic",
        "insane",
        "crazy",
        "hypocritical",
        "dishonest",
        "lying",
        "treacherous",
        "shocking",
        "alarming",
        "dangerous",
        "threat",
        "menace",
        "regime",
        "puppet",
        "thugs",
        "tyrant",
        "dictator",
        "warmonger",
        "propaganda",
        "betrayal",
        "betrayed",
        "humiliating",
        "humiliation",
        "failure",
        "failed",
        "weak",
        "weakness",
        "strong",
        "bold",
        "unacceptable",
        "unforgivable",
        "irresponsible",
        "deadly",
        "bloody",
        "savage",
        "ruthless",
    ]
)
CALL_WORDS = frozenset(
    ["must", "should", "let's", "demand", "demands", "time", "now", "stop", "act", "join"]
)

NAMES = (
    "first_singular",
    "first_plural",
    "second_person",
    "modal",
    "hedge",
    "attribution",
    "intensifier",
    "evaluative",
    "call",
    "quote_marks",
    "question",
    "exclamation",
    "all_caps",
    "digits",
    "dateline",
    "log_length",
)
DIMENSION = len(NAMES)

_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z .'-]{1,30},?\s*(?:[A-Z][a-z]+\.?\s*)?(?:\d{1,2}\s*)?)?"
    r"\((?:Reuters|AP|AFP|UPI|dpa|Xinhua|TASS)\)|^\s*[A-Z][A-Z .'-]{2,30}(?:,[^—–-]{1,30})?\s*[—–-]{1,2}\s"
)
_QUOTES = re.compile(r"[\"“”«»]")


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def features(text: str) -> np.ndarray:
    """The `NAMES` features of one text, as a float32 vector."""
    tokens = WORD.findall(text)
    lower = Counter(map(str.lower, tokens))
    n = max(len(tokens), 1)

    def rate(vocab: frozenset[str], scale: float = 10.0) -> float:
        return min(1.0, scale * sum(lower[w] for w in vocab & lower.keys()) / n)

    # the string tests run as C filters: the Python tests see only the few tokens they pass
    caps = sum(1 for t in filter(str.isupper, tokens) if len(t) > 2)
    # a purely alphabetic token has no digit: most tokens skip the character loop
    digits = sum(1 for t in filterfalse(str.isalpha, tokens) if any(c.isdigit() for c in t))
    values = [
        rate(FIRST_SINGULAR),
        rate(FIRST_PLURAL),
        rate(SECOND_PERSON),
        rate(MODALS),
        rate(HEDGES),
        rate(ATTRIBUTION),
        rate(INTENSIFIERS),
        rate(EVALUATIVE),
        rate(CALL_WORDS),
        min(1.0, len(_QUOTES.findall(text)) / 4),
        min(1.0, text.count("?") / 2),
        min(1.0, text.count("!") / 2),
        min(1.0, 5 * caps / n),
        min(1.0, 5 * digits / n),
        1.0 if _DATELINE.search(text[:200]) else 0.0,
        min(1.0, math.log1p(len(tokens)) / 8),
    ]
    return np.asarray(values, dtype=np.float32)


def feature_matrix(texts: list[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    return np.stack([features(t) for t in texts])
