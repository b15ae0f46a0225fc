"""The extractive explanation: dominant label, word limit, quotes that are the article's own text."""

from __future__ import annotations

import numpy as np

from narrascope.analyzers import contracts
from narrascope.analyzers.explanation import MAX_WORDS, dominant, explain, quote_within
from narrascope.document import NarrativeLabel, NarrativeLayer
from narrascope.pipeline import document_from_text
from narrascope.text.segment import segment

N = "URW: Discrediting Ukraine"
S = f"{N}: Situation in Ukraine is hopeless"


def _layer(subs: list[tuple[str, float]]) -> NarrativeLayer:
    return NarrativeLayer(
        taxonomy="semeval2025",
        narratives=[NarrativeLabel(label=N, level="narrative", score=0.8)],
        subnarratives=[
            NarrativeLabel(label=s, level="subnarrative", parent=N, score=p) for s, p in subs
        ],
    )


def test_dominant_prefers_specific_subnarrative() -> None:
    assert dominant(_layer([(f"{N}: Other", 0.9), (S, 0.6)])) == (N, S)
    two = _layer([(S, 0.6)])
    two.narratives.append(
        NarrativeLabel(label="URW: Praise of Russia", level="narrative", score=0.3)
    )
    two.subnarratives.append(
        NarrativeLabel(
            label="URW: Praise of Russia: Other",
            level="subnarrative",
            parent="URW: Praise of Russia",
            score=0.9,
        )
    )
    assert dominant(two) == (N, S)  # the best narrative first, then its best specific subnarrative
    assert dominant(_layer([(f"{N}: Other", 0.9)])) == (N, None)
    other = NarrativeLayer(
        taxonomy="x", narratives=[NarrativeLabel(label="Other", level="narrative", score=1.0)]
    )
    assert dominant(other) is None


def test_quote_within_word_limit() -> None:
    doc = document_from_text("T\n\none two three four five")
    span = quote_within(doc, 3, len(doc.text), 3)
    assert (
        span is not None
        and span.text == "one two three"
        and doc.text[span.start : span.end] == span.text
    )
    assert quote_within(doc, 3, len(doc.text), 0) is None


def test_explanation_is_grounded_and_short() -> None:
    body = " ".join(
        f"Sentence number {i} says that the front is collapsing and reserves are gone for good."
        for i in range(12)
    )
    doc = document_from_text(f"Title\n\n{body}\nAnother paragraph about the weather today.")
    doc.paragraphs, doc.sentences = segment(doc.text)
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(len(doc.sentences), 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    contracts.SENTENCE_VECTORS.put(doc, vectors)
    contracts.NARRATIVE_DIRECTIONS.put(doc, {S: vectors[3]})
    doc.narratives = _layer([(S, 0.7)])
    exp = explain(doc)
    assert exp is not None and exp.subnarrative == S
    assert len(exp.text.split()) <= MAX_WORDS
    assert (
        exp.evidence
        and doc.text[exp.evidence[0].start : exp.evidence[0].end] == exp.evidence[0].text
    )
    assert (
        doc.sentence_text(doc.sentences[3]) in exp.text
    )  # the sentence closest to the label is quoted
    assert not doc.check_offsets()


def test_other_article_explains_closest_narrative() -> None:
    doc = document_from_text("Title\n\nFirst body sentence here. Second body sentence there.")
    doc.paragraphs, doc.sentences = segment(doc.text)
    vectors = np.eye(len(doc.sentences), 4, dtype=np.float32)
    contracts.SENTENCE_VECTORS.put(doc, vectors)
    contracts.NARRATIVE_SCORES.put(doc, {N: 0.4, S: 0.45, "URW: Praise of Russia": 0.1})
    contracts.NARRATIVE_DIRECTIONS.put(doc, {N: vectors[2]})
    doc.narratives = NarrativeLayer(
        taxonomy="semeval2025",
        narratives=[NarrativeLabel(label="Other", level="narrative", score=0.6)],
    )
    exp = explain(doc, max_sentences=1)
    assert (
        exp is not None
        and exp.narrative == N
        and exp.text.startswith("No narrative of the taxonomy was chosen")
    )
    assert exp.evidence[0].text == "Second body sentence there."
    # the analyzer's candidates, when listed, name the closest narrative
    doc.narratives.candidates = [
        NarrativeLabel(label="URW: Praise of Russia", level="narrative", score=0.1)
    ]
    assert explain(doc, max_sentences=1).narrative == "URW: Praise of Russia"


def test_explains_a_given_narrative() -> None:
    """SemEval-2025 subtask 3 names the narrative to explain: the given one is explained, not the best."""
    doc = document_from_text("Title\n\nFirst body sentence here. Second body sentence there.")
    doc.paragraphs, doc.sentences = segment(doc.text)
    vectors = np.eye(len(doc.sentences), 4, dtype=np.float32)
    contracts.SENTENCE_VECTORS.put(doc, vectors)
    contracts.NARRATIVE_DIRECTIONS.put(doc, {N: vectors[1], S: vectors[2]})
    doc.narratives = NarrativeLayer(
        taxonomy="semeval2025",
        narratives=[NarrativeLabel(label="Other", level="narrative", score=0.6)],
    )
    exp = explain(doc, max_sentences=1, label=(N, S))
    assert exp is not None and (exp.narrative, exp.subnarrative) == (N, S)
    assert (
        exp.text.startswith("Dominant narrative:")
        and exp.evidence[0].text == "Second body sentence there."
    )
