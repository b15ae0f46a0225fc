"""A short explanation of the dominant narrative, quoted from the article itself (extractive).

The dominant label is the best-scoring narrative and its best specific subnarrative, if any. The
sentences whose backbone vectors lie closest to that label's direction (the one the `narratives`
analyzer used for evidence) are quoted in article order after a one-line template, within
`max_words` words; each quote's offsets are the evidence. An article labelled "Other" gets the
narrative that came closest, introduced as such.
"""

from __future__ import annotations

import numpy as np

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.analyzers.embeddings import sentence_vectors
from narrascope.document import Document, Explanation, NarrativeLayer, Span

MAX_WORDS = 80


def dominant(layer: NarrativeLayer, other: str = "Other") -> tuple[str, str | None] | None:
    """The best-scoring narrative and its best specific subnarrative (or None); None for 'Other'."""
    narratives = [n for n in layer.narratives if n.label != other]
    if not narratives:
        return None
    best = max(narratives, key=lambda n: n.score).label
    specific = [
        s for s in layer.subnarratives if s.parent == best and not s.label.endswith(f": {other}")
    ]
    return best, (max(specific, key=lambda s: s.score).label if specific else None)


def short_name(label: str) -> str:
    """'URW: Discrediting Ukraine: Ukraine is a puppet of the West' -> 'Ukraine is a puppet of the West'."""
    return label.split(": ")[-1]


def quote_within(doc: Document, start: int, end: int, words_left: int) -> Span | None:
    """The sentence, or its first `words_left` words, as a span of the text."""
    text = doc.text[start:end]
    cut, count = len(text), 0
    for i, ch in enumerate(text):
        if not ch.isspace() and (i == 0 or text[i - 1].isspace()):
            count += 1
            if count > words_left:
                cut = len(text[:i].rstrip())
                break
    if words_left <= 0 or cut == 0:
        return None
    return doc.span(start, start + cut)


def explain(
    doc: Document,
    max_words: int = MAX_WORDS,
    max_sentences: int = 2,
    label: tuple[str, str | None] | None = None,
) -> Explanation | None:
    """The explanation of the dominant narrative, or of `label` (narrative, subnarrative) when
    given: SemEval-2025 subtask 3 names the narrative to explain."""
    layer = doc.narratives
    if layer is None:
        return None
    chosen = label or dominant(layer)
    below = chosen is None
    if chosen is None:  # nothing chosen: explain the closest narrative, saying so
        scores = contracts.NARRATIVE_SCORES.get(doc)
        candidates = {label: score for label, score in scores.items() if label.count(": ") == 1}
        if layer.candidates:
            chosen = (layer.candidates[0].label, None)
        elif candidates:
            chosen = (max(sorted(candidates), key=lambda label: candidates[label]), None)
        else:
            return None
    narrative, sub = chosen
    label_vectors = contracts.NARRATIVE_DIRECTIONS.get(doc)
    direction = label_vectors.get(sub or narrative)
    if direction is None:
        direction = label_vectors.get(narrative)
    if below:
        prefix = f"No narrative of the taxonomy was chosen; the closest is {short_name(narrative)}. In the article's words:"
    else:
        prefix = (
            f"Dominant narrative: {short_name(narrative)}"
            + (f" ({short_name(sub)})" if sub else "")
            + ". In the article's words:"
        )
    words_left = max_words - len(prefix.split())
    body = [i for i, s in enumerate(doc.sentences) if s.paragraph > 0] or list(
        range(len(doc.sentences))
    )
    if direction is None or not body:
        return Explanation(
            narrative=narrative,
            subnarrative=sub,
            text=prefix.removesuffix(" In the article's words:"),
        )
    sims = sentence_vectors(doc)[body] @ np.asarray(direction)
    picked = sorted(body[int(i)] for i in np.argsort(-sims)[:max_sentences])
    quotes: list[Span] = []
    for i in picked:
        sentence = doc.sentences[i]
        span = quote_within(
            doc, sentence.start, sentence.end, words_left - 1 if quotes else words_left
        )
        if span is None:
            break
        quotes.append(span)
        words_left -= len(span.text.split())
    text = prefix + " " + " … ".join(f"“{q.text}”" for q in quotes) if quotes else prefix
    return Explanation(narrative=narrative, subnarrative=sub, text=text, evidence=quotes)


class NarrativeExplanation(Analyzer):
    name = "explanation"
    requires = (
        contracts.SENTENCES,
        contracts.SENTENCE_VECTORS,
        contracts.NARRATIVES,
        contracts.NARRATIVE_SCORES,
        contracts.NARRATIVE_DIRECTIONS,
    )
    produces = (contracts.EXPLANATION,)

    def __init__(self, max_words: int = MAX_WORDS, max_sentences: int = 2) -> None:
        self.max_words = max_words
        self.max_sentences = max_sentences

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            if doc.narratives is not None:
                doc.narratives.explanation = explain(doc, self.max_words, self.max_sentences)
