"""Colours for marks: stable, distinct within a kind, fixed for roles and claim kinds.

Colours are CSS classes `c0`..`c23` defined in report.css, so pages need no style attributes.
A `Palette` built over all documents of a report gives a label the same colour in every article;
labels of one kind get distinct colours until the palette runs out, then colours repeat.
"""

from __future__ import annotations

from collections.abc import Iterable

from narrascope.document import Document
from narrascope.report.marks import Mark, collect_marks

# index -> colour; report.css defines the same list as classes c0..c23
COLOURS: tuple[str, ...] = (
    "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
    "#e6550d", "#31a354", "#756bb1", "#636363", "#b15928", "#e7298a", "#a6761d", "#1b9e77",
)  # fmt: skip

# the order in which labels of one kind take colours: the most distinct first, greys last
_SEQUENCE: tuple[int, ...] = (
    1,
    3,
    2,
    0,
    4,
    9,
    6,
    5,
    8,
    10,
    16,
    11,
    14,
    12,
    15,
    13,
    17,
    18,
    20,
    21,
    22,
    23,
    7,
    19,
)

# where each kind starts in the sequence, so small vocabularies of different kinds (entity types,
# relation types) drawn side by side rarely share a colour
_START: dict[str, int] = {"technique": 0, "entity": 9, "actor": 4, "relation": 13, "narrative": 6}

_RED, _BLUE, _GREEN, _ORANGE, _PURPLE, _GREY = 0, 1, 2, 3, 4, 7
_FIXED: dict[str, dict[str, int]] = {
    "role": {"protagonist": _GREEN, "antagonist": _RED, "innocent": _BLUE},
    "claim": {"factual": _BLUE, "opinion": _PURPLE, "call_to_action": _ORANGE},
}


class Palette:
    """Maps (kind, colour key) to a colour index."""

    def __init__(self, marks: Iterable[Mark] = ()) -> None:
        keys: dict[str, set[str]] = {}
        for mark in marks:
            keys.setdefault(mark.kind, set()).add(mark.colour_key)
        self._index: dict[tuple[str, str], int] = {}
        for kind, labels in keys.items():
            fixed = _FIXED.get(kind, {})
            free = sorted(label for label in labels if label.lower() not in fixed)
            offset = _START.get(kind, 0)
            for i, label in enumerate(free):
                self._index[(kind, label)] = _SEQUENCE[(offset + i) % len(_SEQUENCE)]

    @classmethod
    def for_docs(cls, docs: Iterable[Document]) -> Palette:
        return cls(mark for doc in docs for mark in collect_marks(doc))

    def index(self, mark: Mark) -> int:
        key = mark.colour_key
        fixed = _FIXED.get(mark.kind, {})
        if key.lower() in fixed:
            return fixed[key.lower()]
        return self._index.get((mark.kind, key), _GREY)
