"""Word tokens that keep combining marks inside words, for word TF-IDF beyond English.

scikit-learn's default token pattern, `(?u)\\b\\w\\w+\\b`, relies on Python's `\\w`, which does
not match combining marks (Unicode categories Mn, Mc, Me). In Devanagari every vowel sign, the
virama and the anusvara are such marks, so 'भारत ने रूस से हथियार खरीदे' falls apart into
['रत', 'हथ', 'खर']. `token_pattern("marks")` counts the marks (and the zero-width joiner and non-joiner
that Indic spellings use) as part of a word; on text without them it finds exactly the default
pattern's tokens, so English models trained with the default need no retraining.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SKLEARN_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's default, kept for models trained with it
_MARKS = ("Mn", "Mc", "Me")
_JOINERS = "\u200c\u200d"  # zero-width non-joiner and joiner: inside Indic words
_MARK_PLANES = (0, 1, 14)  # the planes that hold combining marks (a test checks all of them)


def mark_ranges(planes: tuple[int, ...] = _MARK_PLANES) -> str:
    """Every combining mark of this Python's Unicode database in `planes`, as character-class
    ranges (scanning three planes rather than all seventeen takes a tenth of a second)."""
    ranges: list[tuple[int, int]] = []
    codes = (code for plane in planes for code in range(plane << 16, (plane + 1) << 16))
    for code in codes:
        if unicodedata.category(chr(code)) in _MARKS:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


TOKENS = ("marks", "sklearn")


@lru_cache(maxsize=1)
def word_pattern() -> str:
    """A word character followed by at least one more word character or mark. With no marks in
    the text: the maximal runs of two or more `\\w` characters, the default pattern's tokens.
    Built on first use, so that importing this module costs nothing."""
    return rf"(?u)\w[\w{mark_ranges()}{_JOINERS}]+"


def token_pattern(name: str) -> str:
    """The regular expression for a `token_pattern` option of scikit-learn's vectorisers:
    "marks" (words keep their combining marks) or "sklearn" (the library's default)."""
    if name not in TOKENS:
        raise ValueError(f"tokens must be one of {list(TOKENS)}, not {name!r}")
    return word_pattern() if name == "marks" else SKLEARN_PATTERN


@lru_cache(maxsize=4)
def _compiled(name: str) -> re.Pattern[str]:
    return re.compile(token_pattern(name))


def word_tokens(text: str, name: str = "marks") -> list[str]:
    """The tokens a word vectoriser with `token_pattern(name)` reads (before lowercasing)."""
    return _compiled(name).findall(text)
