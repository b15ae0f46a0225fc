"""Genre: the project's own examples and dev set, and the analyzer on real articles."""

from __future__ import annotations

import pytest

from narrascope import Pipeline
from narrascope.analyzers.genre import GENRES
from narrascope.training.own_data import load_jsonl


def test_examples_and_dev_set_cover_every_genre_and_stay_apart():
    train = load_jsonl("genre.jsonl")
    dev = load_jsonl("dev.jsonl")
    assert {r["label"] for r in train} == set(GENRES)
    assert {r["genre"] for r in dev} == set(GENRES)
    train_texts = {r["text"] for r in train}
    assert not any(p["text"] in train_texts for r in dev for p in r["paragraphs"])


@pytest.fixture(scope="module")
def genre_pipeline():
    return Pipeline.from_config(only=["genre"])


def test_op_ed_is_opinion_with_scores(genre_pipeline, sample_text):
    doc = genre_pipeline.analyze(sample_text)
    assert doc.genre is not None and doc.genre.label == "opinion"
    scores = {s.label: s.score for s in doc.genre.scores}
    assert set(scores) == set(GENRES)
    assert sum(scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert doc.genre.score == max(scores.values())


def test_wire_report_is_reporting(genre_pipeline):
    text = (
        "Navy intercepts arms shipment\n\n"
        "ADEN, May 2 (Reuters) - The navy intercepted a boat carrying rifles and anti-tank missiles off the coast on Thursday, a military spokesman said.\n"
        "The cargo included 2,000 rifles, the spokesman told reporters. The crew of six was detained, according to a statement from the coast guard.\n"
    )
    assert genre_pipeline.analyze(text).genre.label == "reporting"


def test_empty_text_has_no_genre(genre_pipeline):
    assert genre_pipeline.analyze("   \n").genre is None
