"""Frames: taxonomy, article scoring and the analyzer on real articles."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from narrascope import Pipeline
from narrascope.analyzers.frames import article_scores
from narrascope.training.own_data import load_jsonl

FRAMES = [
    f["name"]
    for f in json.loads((resources.files("narrascope.taxonomies") / "frames.json").read_text())[
        "frames"
    ]
]


def test_the_14_frames_and_examples_for_each():
    assert len(FRAMES) == 14 and "Security_and_defense" in FRAMES
    rows = load_jsonl("frames.jsonl")
    for frame in FRAMES:
        assert sum(frame in r["labels"] for r in rows) >= 5
    assert all(set(f) <= set(FRAMES) for f in (r["frames"] for r in load_jsonl("dev.jsonl")))


def test_article_score_is_mean_of_two_best_sentences():
    s = np.array([[0.9, 0.1], [0.1, 0.2], [0.7, 0.3]])
    assert np.allclose(article_scores(s, 2), [0.8, 0.25])
    assert np.allclose(article_scores(s[:1], 2), [0.9, 0.1])


@pytest.fixture(scope="module")
def frame_pipeline():
    return Pipeline.from_config(only=["frames"])


def test_op_ed_frames(frame_pipeline, sample_text):
    doc = frame_pipeline.analyze(sample_text)
    layer = doc.frames
    assert {s.label for s in layer.scores} == set(FRAMES)
    assert "Security_and_defense" in layer.labels
    scores = [s.score for s in layer.scores]
    assert scores == sorted(scores, reverse=True)
    assert set(layer.labels) <= set(FRAMES)


def test_economic_story_gets_economic_frame(frame_pipeline):
    text = (
        "Sanctions hit exporters\n\n"
        "Exporters lost billions in orders after the sanctions took effect, and the currency fell to a record low.\n"
        "Trade with the region dropped by half, while inflation rose and budgets were cut.\n"
    )
    assert "Economic" in frame_pipeline.analyze(text).frames.labels
