"""Cue words of modality around a relation's trigger, and what the learned modality head reads."""

from __future__ import annotations

import pytest

from narrascope.analyzers import contracts
from narrascope.pipeline import Pipeline, document_from_text
from narrascope.relations.learned import modality_features
from narrascope.relations.mentions import find_mentions
from narrascope.relations.modality_cues import CUES, cue_features
from narrascope.relations.pairs import PairBuilder


@pytest.fixture(scope="module")
def parse_pipeline() -> Pipeline:
    return Pipeline.from_config(only=["segmentation", "actors"])


def parsed(pipeline: Pipeline, text: str):
    doc = document_from_text(text)
    for analyzer in pipeline.analyzers:
        analyzer.process([doc])
    return doc, contracts.SPACY_PARSE.get(doc)


def token(sdoc, word: str):
    return next(t for t in sdoc if t.text == word)


def test_lexicon_groups_cues_by_the_modality_they_point_to():
    assert CUES["potential"] == CUES["could"] == "hypo"
    assert CUES["urged"] == CUES["calls"] == "call"
    assert CUES["yet"] == CUES["denied"] == "deny"
    assert CUES["blamed"] == "alleged" and CUES["according"] == "said"


def test_cues_attached_above_near_and_in_the_sentence(parse_pipeline):
    _, sdoc = parsed(parse_pipeline, "India has not yet condemned Russia, officials said.\n")
    f = cue_features(token(sdoc, "condemned"), 0, len(sdoc))
    assert f["mc_kid=deny"] == 1  # "not" on the trigger itself
    assert f["mc_near=deny"] == 1 and f["mc_sent=said"] == 1
    assert "mc_quote" not in f and "mc_sent=hypo" not in f

    _, sdoc = parsed(parse_pipeline, 'Kyiv fears that Russia could attack, "soon", he said.\n')
    f = cue_features(token(sdoc, "attack"), 0, len(sdoc))
    assert f["mc_kid=hypo"] == 1  # "could"
    assert f["mc_up=hypo"] == 1 and f["mc_upw=fears"] == 1  # the clause hangs off "fears"
    assert f["mc_quote"] == 1
    assert cue_features(None, 0, 0) == {}


def test_modality_head_reads_modality_evidence_not_who_the_actors_are(parse_pipeline):
    doc, sdoc = parsed(parse_pipeline, "Russia could attack Ukraine next year.\n")
    builder = PairBuilder(doc, sdoc, find_mentions(doc.text, sdoc), [])
    pair = next(p for p in builder.pairs() if (p.source, p.target) == ("RUS", "UKR"))
    assert pair.features["actors=RUS>UKR"] == 1
    f = modality_features(pair, builder, "attacks")
    assert f["type=attacks"] == 1 and f["ctx=hypothetical"] == 1
    assert f["cue=hypo"] == 1 and f["mc_kid=hypo"] == 1
    assert not any(name.startswith(("actors=", "src=", "tgt=", "path=")) for name in f)


def test_out_of_fold_modality_head_on_synthetic_articles(parse_pipeline):
    import numpy as np

    from narrascope.annotation.relations import Relation
    from narrascope.training import relations as trainer
    from narrascope.training.relations_modality import out_of_fold, pair_features

    texts = {
        "hypothetical": ["Russia could attack Ukraine.", "Russia might attack Ukraine again."],
        "asserted": ["Russia attacked Ukraine.", "Russia attacked Ukraine again."],
    }
    articles = []
    for k in range(10):
        modality = "hypothetical" if k % 2 else "asserted"
        text = texts[modality][(k // 2) % 2] + "\n"
        doc, sdoc = parsed(parse_pipeline, text)
        end = len(text.rstrip())
        gold = Relation(f"d{k}", "RUS", "attacks", "UKR", modality, "", 0, end, text[:end], (), "")
        vectors = np.zeros((len(doc.sentences), 384), np.float32)
        articles.append(trainer.article(f"d{k}", "train", doc, sdoc, vectors, [gold]))
    result = out_of_fold(articles, modality_features, 1.0)
    assert result["records"] == 10 and result["accuracy"] >= 0.8
    assert sum(result["confusion"].values()) == 10
    assert all(" -> " in key for key in result["confusion"])
    assert out_of_fold(articles, pair_features, 0.5)["records"] == 10
