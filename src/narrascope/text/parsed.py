"""Constant-time look-ups on a spaCy parse, for code that asks once per mention.

spaCy's `Span.sent` checks the whole document's annotation on every call and `Span.ents` walks
every entity of the document, so asking them once per mention costs time quadratic in the text
length. These helpers build one table per parsed document (kept in its `user_data`) and answer
each question with a binary search or a walk over the span's own tokens.
"""

from __future__ import annotations

import bisect
from typing import Any

_KEY = "narrascope_sentence_starts"


def _sentence_starts(parsed: Any) -> list[int]:
    starts = parsed.user_data.get(_KEY)
    if starts is None:
        starts = [sent.start for sent in parsed.sents] or [0]
        parsed.user_data[_KEY] = starts
    return starts


def sentence_of(parsed: Any, span: Any) -> Any:
    """The sentence holding the span's first token (as `span.sent` answers)."""
    starts = _sentence_starts(parsed)
    k = max(0, bisect.bisect_right(starts, span.start) - 1)
    end = starts[k + 1] if k + 1 < len(starts) else len(parsed)
    return parsed[starts[k] : end]


def first_entity_label(span: Any) -> str | None:
    """The label of the first named entity lying wholly inside the span (as `span.ents[0].label_`)."""
    doc, i = span.doc, span.start
    while i < span.end:
        if doc[i].ent_iob_ == "B":
            j = i + 1
            while j < len(doc) and doc[j].ent_iob_ == "I":
                j += 1
            if j <= span.end:
                return doc[i].ent_type_
            return None  # entities are ordered: a later one cannot fit either
        i += 1
    return None
