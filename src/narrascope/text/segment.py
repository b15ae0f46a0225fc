"""Paragraph and sentence segmentation with character offsets.

Paragraphs are the non-blank lines of the text (news files put one paragraph per line; the
title line is paragraph 0). Sentences split at line breaks and after `. ! ?` (with any closing
quotes or brackets) when whitespace and an upper-case letter, digit or opening quote follow, or
at a glued boundary such as `added.Graham`; never after common abbreviations. Spans never
include surrounding whitespace.
"""

from __future__ import annotations

import re

from narrascope.document import Paragraph, Sentence

ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "maj",
        "adm",
        "gov",
        "sen",
        "rep",
        "rev",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "u.s.s.r",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "approx",
        "dept",
        "est",
        "min",
        "max",
        "mt",
        "ft",
        "op",
        "cf",
        "al",
        "ca",
    ]
)

_LINE = re.compile(r"[^\r\n]+")
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["
# a candidate boundary: terminal punctuation, optional closers, then whitespace + a sentence start,
# or a glued lower-case -> upper-case boundary like "added.Graham"
_BOUNDARY = re.compile(
    rf"(?P<end>[.!?…]+[{re.escape(_CLOSERS)}]*)"
    rf"(?:(?P<ws>\s+)(?=[A-Z0-9{re.escape(_OPENERS)}\u0400-\u042F\u00C0-\u00DE])"
    r"|(?<=[a-z]\.)(?=[A-Z][a-z]))"
)
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs(text: str) -> list[Paragraph]:
    out: list[Paragraph] = []
    for match in _LINE.finditer(text):
        start, end = _strip(text, match.start(), match.end())
        if end > start:
            out.append(Paragraph(index=len(out), start=start, end=end))
    return out


def _word_before(text: str, end: int) -> str:
    """The run of ASCII letters and dots ending at `end`, from its first letter.

    Walks back over the run only (a regex anchored at `end` would rescan the text from its
    start for every full stop: quadratic in the length of a long paragraph)."""
    start = end
    while start > 0 and text[start - 1] in _WORD_CHARS:
        start -= 1
    while start < end and text[start] == ".":
        start += 1
    return text[start:end]


def _is_abbreviation(text: str, punct_pos: int) -> bool:
    if text[punct_pos] != ".":
        return False
    word = _word_before(text, punct_pos).rstrip(".").lower()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    # single capital initials ("J. Smith") and dotted acronyms ("U.S.")
    return len(word) == 1 or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def sentence_bounds(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside `text[start:end]` (a single line)."""
    bounds: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        if _is_abbreviation(text, match.start("end")):
            continue
        cut = match.end("end")
        s, e = _strip(text, cursor, cut)
        if e > s:
            bounds.append((s, e))
        cursor = cut
    s, e = _strip(text, cursor, end)
    if e > s:
        bounds.append((s, e))
    return bounds


def segment(text: str) -> tuple[list[Paragraph], list[Sentence]]:
    paras = paragraphs(text)
    sentences: list[Sentence] = []
    for para in paras:
        for s, e in sentence_bounds(text, para.start, para.end):
            sentences.append(Sentence(index=len(sentences), paragraph=para.index, start=s, end=e))
    return paras, sentences
