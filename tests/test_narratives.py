"""Narratives: the hierarchical decision, features, zero-shot scoring and the analyzer end to end."""

from __future__ import annotations

import numpy as np

from narrascope.analyzers.narratives import (
    body_rows,
    decide,
    decide_ranked,
    doc_features,
    label_similarity,
)
from narrascope.taxonomies import load_taxonomy

URW_BLAME = "URW: Blaming the war on others rather than the invader"
URW_AGGRESSOR = f"{URW_BLAME}: Ukraine is the aggressor"
CC_DOWN = "CC: Downplaying climate change"


def test_subnarrative_implies_its_narrative() -> None:
    tax = load_taxonomy()
    d = decide(tax, {URW_AGGRESSOR: 0.9, URW_BLAME: 0.1}, {}, {"URW": 0.8, "CC": 0.2})
    assert d.domain == "URW"
    assert URW_BLAME in d.narratives and URW_AGGRESSOR in d.subnarratives


def test_narrative_without_subnarrative_gets_other_child() -> None:
    tax = load_taxonomy()
    d = decide(tax, {URW_BLAME: 0.7}, {}, {"URW": 0.9, "CC": 0.1})
    assert set(d.narratives) == {URW_BLAME}
    assert set(d.subnarratives) == {f"{URW_BLAME}: Other"}


def test_nothing_above_threshold_is_other() -> None:
    tax = load_taxonomy()
    d = decide(tax, {URW_BLAME: 0.2}, {}, {"URW": 0.9, "CC": 0.1})
    assert set(d.narratives) == {"Other"} and set(d.subnarratives) == {"Other"}


def test_domain_decided_first() -> None:
    tax = load_taxonomy()
    d = decide(tax, {URW_BLAME: 0.9, CC_DOWN: 0.8}, {}, {"URW": 0.1, "CC": 0.9})
    assert set(d.narratives) == {CC_DOWN}


def test_per_label_thresholds() -> None:
    tax = load_taxonomy()
    d = decide(tax, {URW_BLAME: 0.3}, {URW_BLAME: 0.25}, {"URW": 1.0, "CC": 0.0})
    assert URW_BLAME in d.narratives


def test_ranked_other_gate_wins() -> None:
    tax = load_taxonomy()
    d = decide_ranked(
        tax, {"Other": 0.35, URW_AGGRESSOR: 0.9, URW_BLAME: 0.8}, 0.3, 0.4, {"URW": 0.9, "CC": 0.1}
    )
    assert (
        set(d.narratives) == {"Other"} and set(d.subnarratives) == {"Other"} and d.domain == "URW"
    )


def test_ranked_keeps_labels_close_to_the_best() -> None:
    tax = load_taxonomy()
    blame_other = f"{URW_BLAME}: Other"
    scores = {
        "Other": 0.1,
        URW_AGGRESSOR: 0.6,
        blame_other: 0.3,
        URW_BLAME: 0.5,
        f"{CC_DOWN}: Other": 0.9,
    }
    d = decide_ranked(tax, scores, 0.3, 0.4, {"URW": 0.9, "CC": 0.1})
    # within the domain, ranked: 0.6 is the best, 0.3 is within 0.4 of it; the CC label is out of domain
    assert set(d.subnarratives) == {URW_AGGRESSOR, blame_other}
    assert set(d.narratives) == {URW_BLAME} and d.narratives[URW_BLAME] == 0.6
    d = decide_ranked(tax, scores, 0.3, 0.6, {"URW": 0.9, "CC": 0.1})
    assert set(d.subnarratives) == {URW_AGGRESSOR}


def test_ranked_always_names_something_below_the_gate() -> None:
    tax = load_taxonomy()
    d = decide_ranked(tax, {"Other": 0.05, URW_AGGRESSOR: 0.02}, 0.3, 0.4, {"URW": 0.9, "CC": 0.1})
    assert set(d.subnarratives) == {URW_AGGRESSOR}


def test_features_and_similarity() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(5, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = vectors[[1, 3]]
    best, top = label_similarity(vectors, labels)
    assert np.allclose(best, 1.0, atol=1e-5) and (top <= best + 1e-6).all()
    assert doc_features(vectors, labels, "mean+sim").shape == (8 + 2 * 2,)
    assert doc_features(vectors, labels, "mean+max").shape == (16,)
    assert body_rows(vectors, [0, 1, 1, 2, 2]).shape[0] == 4
    assert body_rows(vectors[:1], [0]).shape[0] == 1


def _check_layer(doc) -> None:
    layer = doc.narratives
    assert layer is not None and layer.narratives and layer.subnarratives
    assert not doc.check_offsets()
    labels = {n.label for n in layer.narratives}
    for sub in layer.subnarratives:
        assert sub.label == "Other" or sub.parent in labels


def test_zero_shot_with_user_taxonomy() -> None:
    from narrascope import Pipeline
    from narrascope.config import Config

    config = Config.load()
    config.options["narratives"] = {"taxonomy": "example-sanctions"}
    pipe = Pipeline.from_config(config, only=["narratives"])
    text = (
        "Sanctions are hurting Europe, not Moscow\n\n"
        "Families across Europe are paying record prices for gas and electricity since the sanctions began.\n"
        "Factories in Germany have cut production because energy has become unaffordable.\n"
        "Meanwhile the targeted economy has found new buyers for its oil in Asia.\n"
    )
    doc = pipe.analyze(text)
    _check_layer(doc)
    assert doc.narratives.taxonomy == "example-sanctions"
    assert doc.narratives.narratives[0].label == "SAN: Sanctions backfire"


def test_trained_model_on_sample(sample_text: str) -> None:
    from narrascope import Pipeline

    doc = Pipeline.from_config(only=["narratives"]).analyze(sample_text)
    _check_layer(doc)
    assert doc.narratives.domain == "URW"
    for n in [*doc.narratives.narratives, *doc.narratives.candidates]:
        if n.label != "Other":
            assert n.evidence and all(e.text for e in n.evidence)
    chosen = {n.label for n in doc.narratives.narratives}
    candidates = [c.label for c in doc.narratives.candidates]
    assert candidates and not chosen & set(candidates)
    assert all(c.startswith("URW: ") for c in candidates)
    scores = [c.score for c in doc.narratives.candidates]
    assert scores == sorted(scores, reverse=True)


def test_tfidf_transform_matches_scikit_learn() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from narrascope.analyzers.narratives import TFIDF_OPTIONS, tfidf_transform

    texts = [
        "Sanctions hurt Europe more than Russia.",
        "Russia shells the port city again and again.",
        "Europe buys gas; sanctions bite.",
    ]
    fitted = TfidfVectorizer(**TFIDF_OPTIONS).fit(texts)
    vocabulary = sorted(fitted.vocabulary_, key=fitted.vocabulary_.get)
    ours = tfidf_transform(texts, vocabulary, fitted.idf_).toarray()
    assert np.allclose(ours, fitted.transform(texts).toarray(), atol=1e-6)


def _expected_evidence(doc, paragraphs, directions, label, subs) -> list[tuple[int, int]]:
    """The evidence paragraphs of `label` (with the chosen `subs`), computed the long way."""
    from narrascope.analyzers.narratives import EVIDENCE_PARAGRAPHS, _unit

    direction = directions[label] + sum(
        (directions[s] for s in subs), np.zeros_like(directions[label])
    )
    sims = paragraphs @ _unit(direction)
    order = [i for i in np.argsort(-sims).tolist() if i > 0 or len(paragraphs) == 1]
    return [(doc.paragraphs[i].start, doc.paragraphs[i].end) for i in order[:EVIDENCE_PARAGRAPHS]]


def test_evidence_is_the_paragraphs_closest_to_each_direction(sample_text: str) -> None:
    """Evidence ranks body paragraphs by the cosine with the label's direction (plus its chosen
    subnarratives'), checked against the long way for every narrative of the taxonomy."""
    from narrascope import Pipeline
    from narrascope.analyzers.embeddings import paragraph_vectors
    from narrascope.document import Document

    pipeline = Pipeline.from_config(only=["narratives"])
    analyzer = next(a for a in pipeline.analyzers if a.name == "narratives")
    taxonomy = analyzer.taxonomy
    one_paragraph = "Kyiv asks for more air defence after a night of drone strikes on power plants."
    for text in (sample_text, one_paragraph):
        doc = Document(id="d", text=text)
        for step in pipeline.analyzers:  # step by step: the batch's cache stays readable
            step.process([doc])
        paragraphs = paragraph_vectors(doc)
        for label in taxonomy.narratives:
            children = [s for s in taxonomy.subnarratives if taxonomy.parent(s) == label]
            for subs in ([], children[:2]):
                got = analyzer._evidence(doc, paragraphs, label, dict.fromkeys(subs, 1.0))
                want = _expected_evidence(doc, paragraphs, analyzer._directions, label, subs)
                assert [(e.start, e.end) for e in got] == want
                assert all(e.text == doc.text[e.start : e.end] for e in got)
