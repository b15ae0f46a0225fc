"""Role cues from the relations layer: direction, aggressor camp, and their place in the features."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.analyzers import contracts
from narrascope.analyzers.role_relations import (
    aggressor_camp,
    aggressors,
    relation_cues,
)
from narrascope.analyzers.roles import feature_matrix, mention_features, relation_actor
from narrascope.document import Relation
from narrascope.pipeline import document_from_text
from narrascope.text.segment import segment
from narrascope.training import roles as trainer


def _rel(source: str, type_: str, target: str, modality: str = "asserted") -> Relation:
    return Relation(
        source=source,
        type=type_,
        target=target,
        modality=modality,  # type: ignore[arg-type]
        start=0,
        end=1,
        sentence="x",
    )


RELATIONS = [
    _rel("RUS", "attacks", "UKR"),
    _rel("RUS", "threatens", "POL"),
    _rel("IRN", "attacks", "ISR"),
    _rel("PRK", "supplies_weapons", "RUS"),
    _rel("BLR", "military_cooperation", "RUS"),
    _rel("KOR", "accuses_condemns", "RUS"),
    _rel("USA", "supplies_weapons", "UKR"),
    _rel("CHN", "supplies_weapons", "RUS", "denied"),
]


def test_the_aggressor_is_the_most_frequent_hostile_source() -> None:
    assert aggressors(RELATIONS) == {"RUS"}
    assert aggressors([_rel("UKR", "demands", "NATO")]) == set()
    # denied supplies do not put China in the camp; arms and cooperation do
    assert aggressor_camp(RELATIONS) == {"RUS", "PRK", "BLR"}


def test_cues_by_direction_bloc_and_camp() -> None:
    korea = relation_cues(RELATIONS, "KOR")
    assert korea["rel"] == ["rel>accuses_condemns"]
    assert korea["relc"] == ["rel>accuses_condemns:aggr", "rel>accuses_condemns:russia"]
    ukraine = relation_cues(RELATIONS, "UKR")
    assert ukraine["rel"] == ["rel<attacks", "rel<supplies_weapons"]
    assert "rel<attacks:aggr" in ukraine["relc"] and "aggr" not in ukraine["relc"]
    assert "aggr" in relation_cues(RELATIONS, "RUS")["relc"]
    belarus = relation_cues(RELATIONS, "BLR")
    assert belarus["rel"] == ["rel=military_cooperation"] and "camp" in belarus["relc"]
    assert relation_cues(RELATIONS, "CHN") == {"rel": [], "relc": []}
    assert relation_cues(RELATIONS, None) == {"rel": [], "relc": []}


@pytest.fixture(scope="module")
def analysed():
    """A short article through the analyzers the role features read (parse, actors, relations)."""
    text = (
        "Drone strikes on Kyiv\n\n"
        "Russia attacked Ukraine again on Monday. South Korea condemned Russia at the UN. "
        "North Korea supplied missiles to Russia."
    )
    doc = document_from_text(text, id="t")
    doc.paragraphs, doc.sentences = segment(text)
    contracts.SENTENCE_VECTORS.put(doc, np.ones((len(doc.sentences), 4), np.float32) / 2)
    trainer.annotate([doc])  # what the role trainer runs over its training articles
    return doc


def test_mention_features_carry_the_relation_cues(analysed) -> None:
    doc = analysed
    assert {(r.source, r.type, r.target) for r in doc.relations} >= {
        ("RUS", "attacks", "UKR"),
        ("KOR", "accuses_condemns", "RUS"),
    }
    start = doc.text.index("South Korea")
    assert relation_actor(doc, start, start + 11, None) == "KOR"
    dense, cues = mention_features(
        doc, start, start + 11, contracts.SPACY_PARSE.get(doc), parts=("ctx", "rel", "relc")
    )
    assert "rel>accuses_condemns" in cues["rel"]
    assert "rel>accuses_condemns:aggr" in cues["relc"]
    # the relation cues enter the hashed block only when their part is chosen
    with_rel = feature_matrix([(dense, cues)], ("ctx", "cues", "rel", "relc"))
    without = feature_matrix([(dense, cues)], ("ctx", "cues"))
    assert with_rel.shape == without.shape and with_rel.sum() > without.sum()
    russia = doc.text.index("Russia attacked")
    _, cues = mention_features(doc, russia, russia + 6, contracts.SPACY_PARSE.get(doc))
    assert "rel>attacks" in cues["rel"] and "aggr" in cues["relc"]
